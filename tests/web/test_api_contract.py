"""The API contract (issue 18 item 6): one error format (RFC 9457 problem+json), a JSON 404 for unknown API paths,
bounded pagination, the version in the path, every status and response declared in the schema. ``.ci/fuzz`` holds
the running server to the schema with schemathesis; these tests pin the rules themselves."""

from __future__ import annotations

import pytest

from rollout5g.web.api import api

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _assert_problem(response, status: int):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("url", ["/api/no-such-thing", "/api/v1/no/such/path", "/api", "/api/v9/regions/"])
def test_unknown_api_paths_answer_a_json_404(client, url):
    body = _assert_problem(client.get(url), 404)
    assert body["instance"] == url


def test_every_error_has_the_same_shape(client, client_for):
    _assert_problem(client.get("/api/approvals/"), 401)  # no login
    _assert_problem(client_for("mobile").get("/api/approvals/summary"), 403)  # not the programme office
    _assert_problem(client_for("mobile").get("/api/approvals/NO-SUCH-CODE"), 404)
    body = _assert_problem(client_for("mobile").post("/api/approvals/", {}, content_type="application/json"), 422)
    assert "title" in body["detail"] and body["errors"][0]["loc"][-1] == "title"
    _assert_problem(client_for("mobile").post("/api/approvals/", "{not json", content_type="application/json"), 400)
    _assert_problem(client_for("mobile").post("/api/sites/import", b"--x\r\nbroken",
                                              content_type="multipart/form-data; boundary=\x00"), 400)


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=1001", "offset=-1",
                                   "limit=100000000000000000000", "offset=100000000000000000000", "limit=abc"])
def test_pagination_is_bounded(client, client_for, query):
    _assert_problem(client.get(f"/api/organizations/?{query}"), 422)
    _assert_problem(client_for("office").get(f"/api/organizations/contacts?{query}"), 422)
    _assert_problem(client_for("office").get(f"/api/open-list/resources?{query}"), 422)
    _assert_problem(client_for("office").get(f"/api/open-list/requests?{query}"), 422)
    if query.startswith("limit"):
        _assert_problem(client_for("office").get(f"/api/jobs/?{query}"), 422)
        _assert_problem(client.get(f"/api/coverage/runs?{query}"), 422)


def test_pagination_inside_the_bounds(client):
    first = client.get("/api/organizations/?limit=1&offset=0").json()
    assert len(first["items"]) == 1 and first["count"] > 1
    assert len(client.get("/api/organizations/?limit=1000").json()["items"]) == first["count"]
    assert client.get(f"/api/organizations/?offset={first['count'] + 5}").json()["items"] == []


def test_the_version_is_in_the_path_and_the_old_paths_still_work(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["version"].startswith("1.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    versioned = client.get("/api/v1/regions/?level=city")
    unversioned = client.get("/api/regions/?level=city")
    assert versioned.status_code == unversioned.status_code == 200
    assert versioned.json() == unversioned.json()
    assert client.get("/api/openapi.json").json()["paths"] == schema["paths"]


def test_every_operation_declares_its_responses_and_error_statuses():
    schema = api.get_openapi_schema()
    assert "Problem" in schema["components"]["schemas"]
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            responses = {int(k): v for k, v in op["responses"].items()}
            success = [v for k, v in responses.items() if 200 <= k < 300]
            assert success and all("content" in v for v in success), f"{method} {path}: untyped success response"
            errors = {k: v for k, v in responses.items() if k >= 400}
            if op.get("security"):
                assert {401, 403} <= set(errors), f"{method} {path}"
            if any(p["in"] == "path" for p in op.get("parameters", [])):
                assert 404 in errors, f"{method} {path}"
            if op.get("parameters") or op.get("requestBody"):
                assert 422 in errors, f"{method} {path}"
            if any(p["in"] == "query" for p in op.get("parameters", [])):
                # a query string over the server's request line is answered by gunicorn, without a body
                assert 414 in errors and "content" not in errors[414], f"{method} {path}"
            for status, response in errors.items():
                if status == 414:
                    continue
                content = response.get("content", {})
                assert PROBLEM in content or status == 422 and content, f"{method} {path} {status}: {content}"


def test_an_operation_that_raises_a_status_declares_it():
    from rollout5g.web.problems import error_statuses, raised_statuses

    def view(request, code: str):
        from ninja.errors import HttpError

        raise HttpError(409, "drafts are not published")

    assert 409 in raised_statuses(view)
    assert {409, 404} <= error_statuses("get", {"parameters": [{"in": "path", "name": "code"}]}, view)


def test_an_unexpected_failure_is_a_500_problem(client, monkeypatch):
    from rollout5g.regions import api as regions_api

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(regions_api.Region.objects, "restrict", boom)
    response = client.get("/api/regions/")
    body = _assert_problem(response, 500)
    assert "secret internals" not in body["detail"]
