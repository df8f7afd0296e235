"""Notifications stored as a message key with parameters and read in the reader's language (list, API, e-mail);
rows stored as text before keys existed read as they were written; what a person typed is escaped on the page."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from rollout5g.notifications.messages import choice, encode_params, money, msg, render_message
from rollout5g.notifications.models import Notification
from rollout5g.notifications.services import notify
from rollout5g.permits.choices import Decision
from rollout5g.permits.models import Application

pytestmark = pytest.mark.django_db

#: A message id with a Chinese translation in the catalogue (the test checks it has one).
KEYED = gettext_noop("%(code)s: design approved")


def _in(language, func, *args):
    with translation.override(language):
        return func(*args)


def test_the_catalogue_translates_the_test_message():
    assert _in("zh-hans", gettext, KEYED) != _in("en", gettext, KEYED)


def test_created_in_english_read_in_chinese_and_vice_versa(users, client_for):
    telecom = client_for("telecom")
    for made_in, read_in in (("en", "zh-hans"), ("zh-hans", "en")):
        code = f"JS-{made_in}"
        with translation.override(made_in):
            [note] = notify(message=KEYED, params={"code": code}, users=[users["telecom"]])
        expected = _in(read_in, render_message, KEYED, {"code": code})
        other = _in(made_in, render_message, KEYED, {"code": code})
        assert code in expected and expected != other
        assert Notification.objects.get(pk=note.pk).message == KEYED  # the key is stored, not a translation
        page = telecom.get("/notifications/", HTTP_ACCEPT_LANGUAGE=read_in).content.decode()
        assert expected in page and other not in page
        api = telecom.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE=read_in).json()
        [row] = [n for n in api if n["id"] == note.pk]
        assert row["subject"] == expected and row["message"] == KEYED and row["params"] == {"code": code}


def test_labels_are_stored_as_codes_and_translated_when_read():
    params = encode_params({"decision": Decision.APPROVED.label, "state": choice(Application, "state", "decided"),
                            "on": dt.date(2026, 11, 16), "fee": money("1234567.5"),
                            "lines": [msg(KEYED, code="A"), msg(KEYED, code="B")]})
    assert params["decision"] == {"$t": "Approved", "$c": "permit decision"}
    assert params["state"] == {"$choice": "permits.Application.state", "value": "decided"}
    template = "%(decision)s|%(state)s|%(on)s|%(fee)s|%(lines)s"
    zh = _in("zh-hans", render_message, template, params)
    en = _in("en", render_message, template, params)
    with translation.override("zh-hans"):
        decision, state = str(Decision.APPROVED.label), Application(state="decided").get_state_display()
    assert zh.split("|")[:4] == [decision, state, "2026年11月16日", "¥1,234,567.5"]
    assert en.split("|")[:3] == ["Approved", "Decided", "16 Nov 2026"]
    assert zh.split("|")[4].splitlines() == [_in("zh-hans", gettext, KEYED) % {"code": c} for c in "AB"]


def test_a_message_whose_parameters_do_not_fit_still_reads():
    # Read in each language explicitly: the active language is whatever the worker's previous test left.
    unfilled = "%(code)s accepted"
    assert _in("en", render_message, unfilled, {}) == unfilled
    zh = _in("zh-hans", render_message, unfilled, {})
    assert zh == _in("zh-hans", gettext, unfilled) and "%(code)s" in zh
    assert _in("zh-hans", render_message, "plain text", {}) == "plain text"


def test_old_rows_without_a_key_show_their_stored_text(users, client_for):
    old = Notification.objects.create(recipient=users["telecom"], subject="Approval application YJS-1 received",
                                      body="as stored")
    assert old.subject_text == "Approval application YJS-1 received" and old.body_text == "as stored"
    page = client_for("telecom").get("/notifications/").content.decode()
    assert "Approval application YJS-1 received" in page


def test_user_text_in_parameters_and_body_is_escaped_on_the_page(users, client_for):
    notify(message=KEYED, params={"code": "<script>alert(1)</script>"}, body="<b>reason</b>",
           users=[users["telecom"]])
    page = client_for("telecom").get("/notifications/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>reason</b>" not in page and "&lt;b&gt;reason&lt;/b&gt;" in page


def test_the_email_is_rendered_from_the_key(users, django_capture_on_commit_callbacks):
    users["mobile"].email = "mobile@example.org"
    users["mobile"].save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(message=KEYED, params={"code": "JS-9"}, body_message=KEYED, body_params={"code": "JS-10"},
               users=[users["mobile"]])
    expected = _in("zh-hans", render_message, KEYED, {"code": "JS-9"})  # the site's language
    assert mail.outbox[-1].subject == f"[rollout5g] {expected}"
    assert mail.outbox[-1].body.startswith(_in("zh-hans", render_message, KEYED, {"code": "JS-10"}))


def test_a_notification_needs_a_subject(users):
    with pytest.raises(ValueError):
        notify(users=[users["telecom"]])
