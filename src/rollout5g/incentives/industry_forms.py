"""Forms of the industry workflows' pages: they shape the input; the services validate it and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rollout5g.organizations.models import Organization

from .choices import Board, EventKind, FirstKind, PilotField, Shortage, SupportKind, TalentField, TalentLevel

DATE = forms.DateInput(attrs={"type": "date"})
ENTERPRISE_KINDS = ("enterprise", "state_owned_enterprise")


def _enterprises():
    return Organization.objects.filter(kind__in=ENTERPRISE_KINDS, is_active=True).order_by("name")


class ListingForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organization.objects.none())
    since = forms.DateField(label=_("In cultivation since"), widget=DATE, required=False)
    board = forms.ChoiceField(label=_("Intended board"), choices=[("", "—"), *Board.choices], required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises()


class FirstForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FirstKind.choices)
    product = forms.CharField(label=_("Product"), max_length=200)
    model_version = forms.CharField(label=_("Model or version"), max_length=100, required=False)
    description = forms.CharField(label=_("Technical description"), widget=forms.Textarea(attrs={"rows": 4}))


class TalentEntryForm(forms.Form):
    year = forms.IntegerField(label=_("Catalogue year"))
    field = forms.ChoiceField(label=pgettext_lazy("industry field", "Field"), choices=TalentField.choices)
    title = forms.CharField(label=_("Position or specialty"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=TalentLevel.choices)
    shortage = forms.ChoiceField(label=_("Shortage"), choices=Shortage.choices)
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 2}),
                                   required=False)


class TalentSupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    amount = forms.CharField(label=_("Amount [CNY]"), max_length=20)
    granted_on = forms.DateField(label=_("Granted on"), widget=DATE, required=False)
    person = forms.CharField(label=_("Person"), max_length=100, required=False)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organization.objects.none(), required=False)
    entry = forms.IntegerField(label=_("Catalogue entry"), required=False, widget=forms.Select)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises()
        self.fields["entry"].widget.choices = [("", "—"), *((e.pk, f"{e.year} {e.title}") for e in entries)]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    field = forms.ChoiceField(label=pgettext_lazy("industry field", "Field"), choices=PilotField.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    results = forms.CharField(label=_("Results"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
