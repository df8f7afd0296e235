"""API tokens: shown once and stored hashed, scopes, expiry, revocation, last use, audit, the account page, the
command, and that a token carries exactly its user's rights over every /api/ endpoint."""

import datetime as dt
import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from rollout5g.accounts.models import ApiToken
from rollout5g.accounts.tokens import hash_token, token_create, token_revoke
from rollout5g.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
API = "/api/approvals"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def draft_of(users):
    """A draft approval application of an operator (made by the service, as the pages and the API do)."""
    from rollout5g.permits.rules import load_rules
    from rollout5g.permits.services import application_create

    load_rules(None)

    def make(username, title="南湖 令牌测试站"):
        return application_create(actor=users[username], title=title)

    return make


def test_token_is_shown_once_and_stored_hashed(users):
    token, raw = token_create(actor=users["mobile"], user=users["mobile"], name="规划工具", scope="read",
                              expires_days=30)
    assert raw.startswith("r5g_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in {stored.key_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix) and len(stored.prefix) < 12
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert stored.expires_at - stored.created_at == dt.timedelta(days=30)


def test_creation_and_revocation_are_audited(users):
    token, _ = token_create(actor=users["mobile"], user=users["mobile"], name="看板", scope="write")
    token_revoke(actor=users["mobile"], token=token)
    events = AuditEvent.objects.filter(object_type="accounts.apitoken", object_id=str(token.pk)).order_by("seq")
    assert [e.note for e in events] == ["API token created", "API token revoked"]
    assert events[0].actor_id == users["mobile"].pk and events[0].after["scope"] == "write"
    assert events[1].before["revoked_at"] is None and events[1].after["revoked_at"]


def test_nobody_creates_or_revokes_a_token_of_someone_else(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(actor=users["telecom"], user=users["mobile"], name="x")
    token, _ = token_create(actor=users["mobile"], user=users["mobile"], name="x")
    with pytest.raises(PermissionDenied):
        token_revoke(actor=users["telecom"], token=token)
    token_revoke(actor=users["admin"], token=token)  # a superuser may revoke a leaked token
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_bad_input_is_refused_with_the_field(users):
    from django.core.exceptions import ValidationError

    for kwargs, field in (({"name": " "}, "name"), ({"name": "x", "scope": "admin"}, "scope"),
                          ({"name": "x", "expires_days": 0}, "expires")):
        with pytest.raises(ValidationError) as exc:
            token_create(actor=None, user=users["mobile"], **kwargs)
        assert field in exc.value.message_dict


def test_an_operators_token_cannot_read_another_operators_application(users, draft_of):
    app = draft_of("mobile")
    _, mobile = token_create(actor=None, user=users["mobile"], name="mobile", scope="read")
    _, telecom = token_create(actor=None, user=users["telecom"], name="telecom", scope="read")
    client = Client()
    assert client.get(f"{API}/{app.code}", **bearer(mobile)).status_code == 200
    assert client.get(f"{API}/{app.code}", **bearer(telecom)).status_code == 404
    listed = {a["code"] for a in client.get(f"{API}/", **bearer(telecom)).json()}
    assert app.code not in listed
    assert app.code in {a["code"] for a in client.get(f"{API}/", **bearer(mobile)).json()}
    # the versioned path answers the same
    assert client.get(f"/api/v1/approvals/{app.code}", **bearer(telecom)).status_code == 404


def test_without_a_token_the_api_wants_a_login(draft_of):
    app = draft_of("mobile")
    response = Client().get(f"{API}/{app.code}")
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Bearer r5g_not-a-real-token", "Bearer nonsense", "Basic bW9iaWxlOng="])
def test_a_wrong_token_is_refused(header):
    response = Client().get(f"{API}/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_expired_and_revoked_tokens_stop_working(users, _today):
    import time_machine

    token, raw = token_create(actor=None, user=users["mobile"], name="x", scope="read", expires_days=1)
    client = Client()
    assert client.get(f"{API}/", **bearer(raw)).status_code == 200
    with time_machine.travel(_today + dt.timedelta(days=1, minutes=1), tick=False):
        response = client.get(f"{API}/", **bearer(raw))
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    token2, raw2 = token_create(actor=None, user=users["mobile"], name="y", scope="read")
    token_revoke(actor=None, token=token2)
    response = client.get(f"{API}/", **bearer(raw2))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_a_token_of_an_inactive_user_is_refused(users):
    _, raw = token_create(actor=None, user=users["unicom"], name="x")
    users["unicom"].is_active = False
    users["unicom"].save(update_fields=["is_active"])
    assert Client().get(f"{API}/", **bearer(raw)).status_code == 401


def test_last_use_is_recorded(users):
    token, raw = token_create(actor=None, user=users["mobile"], name="x")
    assert token.last_used_at is None
    Client().get(f"{API}/", **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_read_scope_reads_only_and_write_scope_writes_without_csrf(users, draft_of):
    draft_of("mobile")  # loads the rules
    _, read = token_create(actor=None, user=users["mobile"], name="r", scope="read")
    _, write = token_create(actor=None, user=users["mobile"], name="w", scope="write")
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"title": "令牌新建草稿"})
    refused = client.post(f"{API}/", body, content_type="application/json", **bearer(read))
    assert refused.status_code == 403 and "read" in refused.json()["detail"]
    created = client.post(f"{API}/", body, content_type="application/json", **bearer(write))
    assert created.status_code == 200, created.content
    assert created.json()["state"] == "draft"


def test_a_session_still_needs_its_csrf_token_for_writes(users, draft_of):
    draft_of("mobile")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["mobile"])
    response = client.post(f"{API}/", json.dumps({"title": "无 CSRF"}), content_type="application/json")
    assert response.status_code == 403


def test_a_token_makes_any_api_request_its_users_public_operations_included(users):
    """Public operations filter by request.user: with a token they answer what the token's user may see. The
    middleware acts on /api/ only; elsewhere the header means nothing."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    from rollout5g.platform.api_auth import ApiTokenMiddleware

    _, raw = token_create(actor=None, user=users["mobile"], name="x")
    middleware = ApiTokenMiddleware(lambda request: HttpResponse(str(request.user.get_username())))
    for path, expected in (("/api/v1/industry/applications", "mobile"), ("/sites/", "")):
        request = RequestFactory().get(path, **bearer(raw))
        request.user = AnonymousUser()
        assert middleware(request).content.decode() == expected


def test_the_schema_declares_the_bearer_scheme():
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in [{k: v[k] for k in ("type", "scheme") if k in v}
                                                    for v in schemes.values()]
    bearer_name = next(n for n, v in schemes.items() if v.get("scheme") == "bearer")
    operation = schema["paths"]["/api/v1/approvals/{code}"]["get"]
    assert {bearer_name: []} in operation["security"]


def test_account_page_creates_shows_once_and_revokes(client_for, users):
    client = client_for("mobile")
    page = client.get("/accounts/api-tokens/")
    assert page.status_code == 200 and "API 令牌" in page.content.decode()
    response = client.post("/accounts/api-tokens/", {"name": "省平台对接", "scope": "read", "expires": "90"})
    assert response.status_code == 200
    html = response.content.decode()
    token = ApiToken.objects.get(user=users["mobile"], name="省平台对接")
    secret = html.split('id="token-secret"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert token.key_hash == hash_token(secret)
    again = client.get("/accounts/api-tokens/").content.decode()
    assert secret not in again and token.prefix in again
    # another user cannot revoke it; the owner can
    assert client_for("telecom").post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_account_page_refuses_an_empty_name(client_for):
    response = client_for("mobile").post("/accounts/api-tokens/", {"name": "", "scope": "read", "expires": ""})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_command_prints_the_token(users):
    from rollout5g.cli import app

    result = CliRunner().invoke(app, ["token", "create", "--user", "mobile", "--scope", "write", "--expires", "7"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.user == users["mobile"] and token.scope == "write"
    assert dt.timedelta(days=6) < token.expires_at - token.created_at <= dt.timedelta(days=7)
    assert CliRunner().invoke(app, ["token", "create", "--user", "nobody"]).exit_code == 2
    assert CliRunner().invoke(app, ["token", "revoke", str(token.pk)]).exit_code == 0
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
