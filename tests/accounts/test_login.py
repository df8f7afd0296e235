"""Login hardening (issue 18 item 3): lockout per account and per address (django-axes), every sign-in event in
the audit history, password validators, session lifetime, and the optional second factor (TOTP, RFC 6238)."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from rollout5g.accounts import services
from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.models import AuditEvent
from tests.conftest import DEMO_PASSWORD

LOGIN = "/accounts/login/"


def _events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def _post_login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def person(make_user, users):
    return make_user("lockout-probe", role=Role.OPERATOR, organization=users["mobile"].organization)


def test_test_client_login_still_works(client_for):
    response = client_for("mobile").get("/accounts/")
    assert response.status_code == 200 and b"mobile" in response.content


def test_wrong_passwords_lock_the_account_and_are_audited(person):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    before_failed = _events(AuditAction.LOGIN_FAILED, object_id=str(person.pk)).count()
    for i in range(limit - 1):
        response = _post_login(client, person.username, f"wrong-password-{i}")
        assert response.status_code == 200  # the form again, with its error
    assert _events(AuditAction.LOGIN_FAILED, object_id=str(person.pk)).count() == before_failed + limit - 1
    response = _post_login(client, person.username, "wrong-password-last")
    assert response.status_code == 429
    assert _events(AuditAction.LOCKOUT, object_id=str(person.pk)).exists()
    # the right password, even from another address, is refused while the account is locked
    response = _post_login(Client(), person.username, DEMO_PASSWORD, address="10.0.0.2")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    event = _events(AuditAction.LOCKOUT, object_id=str(person.pk)).latest("seq")
    assert "10.0.0." in event.note and DEMO_PASSWORD not in event.note


def test_one_address_trying_many_accounts_is_locked(person, users):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, f"nobody-{i}", "some-password-1", address="10.9.9.9")
    # now even a real account with its right password is refused from that address …
    assert _post_login(client, person.username, DEMO_PASSWORD, address="10.9.9.9").status_code == 429
    # … but not from another one
    assert _post_login(Client(), person.username, DEMO_PASSWORD, address="10.9.9.8").status_code == 302
    unknown = _events(AuditAction.LOGIN_FAILED, object_repr="nobody-0").get()
    assert unknown.object_id == "-" and "unknown user name" in unknown.note


def test_login_and_logout_are_audited_and_a_success_resets_the_count(person):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _post_login(client, person.username, f"wrong-{i}")
    assert _post_login(client, person.username, DEMO_PASSWORD).status_code == 302
    login = _events(AuditAction.LOGIN, object_id=str(person.pk)).get()
    assert login.actor_id == person.pk and "10.0.0.1" in login.note
    client.post("/accounts/logout/")
    assert _events(AuditAction.LOGOUT, object_id=str(person.pk)).count() == 1
    # the count started again after the success: four more failures do not lock
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _post_login(client, person.username, f"again-{i}")
    assert _post_login(client, person.username, DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["12345678", "password", "admin123", "1234567890", "password123",
                                      "short-1", "weak-probe-user"])
def test_weak_passwords_are_refused(db, users, password):
    with pytest.raises(ValidationError):
        services.user_create(actor=None, username="weak-probe-user", password=password, role=Role.OPERATOR,
                             organization=users["mobile"].organization)


@pytest.mark.parametrize("password", ["rollout5g-demo", DEMO_PASSWORD])
def test_the_demo_and_test_passwords_stay_valid(db, users, password):
    user = services.user_create(actor=None, username="office-deputy", password=password,
                                role=Role.PROGRAM_OFFICE, organization=users["office"].organization)
    assert user.check_password(password)


def test_password_change_page_applies_the_validators(client_for, users):
    client = client_for("telecom")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and users["telecom"].check_password(DEMO_PASSWORD)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Jiaxing-5G-2027!", "new_password2": "Jiaxing-5G-2027!"})
    assert response.status_code == 302
    users["telecom"].refresh_from_db()
    assert users["telecom"].check_password("Jiaxing-5G-2027!")
    assert _events(AuditAction.UPDATE, object_id=str(users["telecom"].pk), note="password changed").exists()


def test_session_lifetime_comes_from_the_settings(person):
    client = Client()
    _post_login(client, person.username, DEMO_PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    with override_settings(SESSION_COOKIE_AGE=600):
        other = Client()
        _post_login(other, person.username, DEMO_PASSWORD, address="10.0.0.7")
        assert other.session.get_expiry_age() == 600


# ----------------------------------------------------------------------------------------------- second factor


def _enrol(client, user) -> str:
    page = client.get(reverse("accounts:totp_setup"))
    assert page.status_code == 200 and b'id="totp-qr"' in page.content and b"data:image/svg+xml" in page.content
    secret = user.totp_device.secret
    assert client.post(reverse("accounts:totp_setup"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    user.totp_device.refresh_from_db()
    assert user.totp_device.confirmed
    return secret


def test_authenticator_is_asked_for_at_login_once_enrolled(person):
    client = Client()
    _post_login(client, person.username, DEMO_PASSWORD)
    secret = _enrol(client, person)
    assert _events(AuditAction.UPDATE, object_id=str(person.pk), note="authenticator app set up").exists()
    client.post("/accounts/logout/")

    browser = Client()
    response = _post_login(browser, person.username, DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_verify")
    assert "_auth_user_id" not in browser.session  # the password alone does not log in
    assert browser.get("/accounts/").status_code == 302
    wrong = browser.post(reverse("accounts:login_verify"), {"code": "123456"}, REMOTE_ADDR="10.0.0.1")
    assert wrong.status_code == 200 and b'id="code-error"' in wrong.content
    assert _events(AuditAction.LOGIN_FAILED, object_id=str(person.pk), note__contains="authenticator").exists()
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the next step's code (the current one confirmed the app)
    ok = browser.post(reverse("accounts:login_verify"), {"code": code}, REMOTE_ADDR="10.0.0.1")
    assert ok.status_code == 302 and browser.session["_auth_user_id"] == str(person.pk)
    # the same code cannot be used a second time
    again = Client()
    _post_login(again, person.username, DEMO_PASSWORD)
    assert again.post(reverse("accounts:login_verify"), {"code": code}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_wrong_authenticator_codes_lock_out(person):
    client = Client()
    _post_login(client, person.username, DEMO_PASSWORD)
    _enrol(client, person)
    browser = Client()
    _post_login(browser, person.username, DEMO_PASSWORD, address="10.0.0.3")
    statuses = [browser.post(reverse("accounts:login_verify"), {"code": "000000"}, REMOTE_ADDR="10.0.0.3").status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429 and _events(AuditAction.LOCKOUT, object_id=str(person.pk)).exists()


def test_roles_can_be_required_to_enrol(client_for, users):
    client = client_for("office")
    with override_settings(ROLLOUT5G_TOTP_REQUIRED_ROLES=[Role.PROGRAM_OFFICE]):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == reverse("accounts:totp_setup")
        api = client.get("/api/regions/")
        assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
        assert client_for("mobile").get("/").status_code == 200  # an operator is not obliged
        secret = _enrol(client, users["office"])
        assert client.get("/").status_code == 200
        off = client.post(reverse("accounts:totp_disable"), {"code": pyotp.TOTP(secret).at(time.time() + 30)})
        assert off.status_code == 302 and services.totp_device(users["office"]) is not None
