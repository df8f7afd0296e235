"""No dead ends on the approval service's public side: the navigation's approvals entry takes a visitor to the
public lookup (a signed-in user to the workspace), a certificate is verified by number + verification code without
telling which part of a wrong pair was wrong, and a decision that waits for the joint survey is not offered."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rollout5g.permits.certificates import certificate_for, verification_code
from rollout5g.permits.models import Application, ApprovalItem, Certificate
from rollout5g.platform.workflow import declared

pytestmark = pytest.mark.django_db
#: What differs between two answers of the page's content: the number typed (shown back in the form).
VARYING = re.compile(r'<input name="number" value="[^"]*"')


def _main(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _nav_href(html: str) -> str:
    """The href of the navigation entry labelled 审批 (Approvals)."""
    nav = re.search(r"<nav.*?</nav>", html, re.S).group(0)
    with translation.override("zh-hans"):
        label = str(translation.gettext("Approvals"))
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*' + re.escape(label) + r"\s*<", nav)
    assert match, nav
    return match.group(1)


def test_the_public_approvals_entry_leads_to_the_lookup_not_to_a_login():
    client = Client()
    href = _nav_href(client.get("/").content.decode())
    response = client.get(href)
    assert response.status_code == 200  # the lookup itself, not a redirect to the login
    html = response.content.decode()
    assert 'id="status-form"' in html and f'action="{reverse("permits:status")}"' in html
    assert reverse("permits:verify_form") in html  # and on to the certificate check


def test_a_signed_in_user_reaches_the_workspace_from_the_same_entry(client_for):
    office = client_for("office")
    href = _nav_href(office.get("/").content.decode())
    response = office.get(href)
    assert response.status_code == 200 and 'id="applications"' in response.content.decode()


def _issued() -> Certificate:
    return Certificate.objects.select_related("application").filter(revoked_on__isnull=True).first()


def _result(html: str) -> str:
    return re.search(r'id="verify-result">(.*?)</p>', html, re.S).group(1)


def test_verify_a_certificate_by_number_and_code():
    cert = _issued()
    code = verification_code(cert.token)
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    page = Client().get(reverse("permits:verify_form"))
    assert page.status_code == 200 and 'id="verify-form"' in page.content.decode()
    for typed in (code, code.lower().replace("-", " ")):  # as printed, or typed carelessly
        response = Client().get(reverse("permits:verify_form"), {"number": cert.number, "code": typed})
        html = response.content.decode()
        assert response.status_code == 200 and 'id="cert-number"' in html and cert.application.code in html
        with translation.override("zh-hans"):
            assert _result(html) == translation.gettext("Valid certificate")


def test_a_wrong_pair_says_no_such_certificate_whichever_part_is_wrong():
    cert, other = Certificate.objects.all()[:2] if Certificate.objects.count() > 1 else (_issued(), None)
    code = verification_code(cert.token)
    wrong = {
        "wrong code": {"number": cert.number, "code": "AAAA-AAAA"},
        "wrong number": {"number": cert.number + "X", "code": code},
        "unknown number, no code": {"number": "ZS-0000", "code": ""},
    }
    if other is not None:  # a genuine code of another certificate proves nothing
        wrong["another certificate's code"] = {"number": cert.number, "code": verification_code(other.token)}
    answers = set()
    for case, params in wrong.items():
        response = Client().get(reverse("permits:verify_form"), params)
        html = response.content.decode()
        assert response.status_code == 404, case
        assert 'id="cert-number"' not in html and cert.application.code not in html, case
        answers.add(VARYING.sub("", _main(html)))
        assert certificate_for(params["number"], params["code"]) is None
    assert len(answers) == 1  # the same answer, apart from the number typed in the form
    with translation.override("zh-hans"):
        expected = translation.gettext("No such certificate: check the certificate number and the verification "
                                       "code.")
    assert _result(answers.pop()) == expected


def test_what_a_person_typed_is_escaped_on_the_verification_page():
    html = Client().get(reverse("permits:verify_form"), {"number": '"><script>x()</script>', "code": "x"}).content
    assert b"<script>x()</script>" not in html and b"&lt;script&gt;" in html


def test_the_decision_waiting_for_the_survey_is_explained_in_chinese(client_for):
    app = Application.objects.filter(state="survey_scheduled").first()
    item = ApprovalItem.objects.filter(application=app, item_type__joint_survey=True, state="in_review").first()
    reviewer = item.department.users.filter(role="department").first()
    page = client_for(reviewer.username).get(f"/approvals/{app.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    decide_form = re.search(r'id="decide-form".*?</form>', html, re.S)
    assert decide_form is None or f'value="{item.pk}"' not in decide_form.group(0)
    doc = declared(ApprovalItem, "decide").doc
    with translation.override("zh-hans"):
        chinese = str(doc)
    with translation.override("en"):
        english = str(doc)
    waits = re.search(r'id="decide-waits".*?</p>', html, re.S).group(0)
    assert chinese != english and chinese in waits and english not in html


def _text(html: str) -> str:
    """What a person reads: the page without its tags (attributes hold codes for scripts and tests)."""
    return re.sub(r"<[^>]+>", " ", html.split("<main>", 1)[1].split("</main>", 1)[0])


def test_the_rules_page_shows_labels_not_codes():
    from rollout5g.permits.models import ItemRule, ItemType

    text = _text(Client().get(reverse("permits:rules"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    materials = {m["code"] for t in ItemType.objects.all() for m in t.materials}
    rules = ItemRule.objects.all()
    assert materials and rules.exists()
    assert not [code for code in materials if re.search(rf"\b{re.escape(code)}\b", text)]
    assert not [r.code for r in rules if r.code in text]
    assert "{" not in text and "new_structure" not in text and "site_type" not in text  # conditions as sentences
    with translation.override("zh-hans"):
        from rollout5g.permits.choices import SITUATION_FLAGS

        assert str(SITUATION_FLAGS["new_structure"]) in text
