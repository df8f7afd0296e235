from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from rollout5g.platform.forms import add_service_errors, error_text


class _Form(forms.Form):
    amount = forms.IntegerField()


def test_error_text_is_one_line():
    assert error_text(ValidationError({"amount": ["too big"], "__all__": ["closed"]})) == "amount: too big; closed"
    assert error_text(ValidationError(["a", "b"])) == "a; b"
    assert error_text(PermissionDenied("not yours")) == "not yours"


def test_service_errors_go_on_their_fields():
    form = _Form({"amount": "5"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"amount": ["too big"], "year": ["closed"], "__all__": ["late"]}))
    assert form.errors["amount"] == ["too big"]
    assert form.non_field_errors() == ["year: closed", "late"]
    form = _Form({"amount": "5"})
    form.is_valid()
    add_service_errors(form, PermissionDenied("not yours"))
    assert form.non_field_errors() == ["not yours"]
