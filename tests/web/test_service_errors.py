"""One API error format for a service's refusal: the handler answers, the operations do not translate."""

from django.core.exceptions import ValidationError

from rollout5g.web.problems import service_errors


def test_field_messages_keep_their_field_and_the_rest_has_none():
    exc = ValidationError({"amount": ["too big", "not a number"], "__all__": ["closed"]})
    assert service_errors(exc) == [
        {"loc": ["amount"], "msg": "too big", "type": "invalid"},
        {"loc": ["amount"], "msg": "not a number", "type": "invalid"},
        {"loc": [], "msg": "closed", "type": "invalid"},
    ]
    assert service_errors(ValidationError("the open list is empty")) == [
        {"loc": [], "msg": "the open list is empty", "type": "invalid"}]


def test_a_service_refusal_is_a_422_problem_with_its_field(client_for, users):
    # the organizations API's contact creation: the service refuses an empty name on its field
    client = client_for("office")
    resp = client.post("/api/v1/organizations/contacts", {"organization": "jx-dei", "name": ""},
                       content_type="application/json")
    assert resp.status_code == 422 and resp["Content-Type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == 422 and body["errors"] and all({"loc", "msg", "type"} <= e.keys() for e in body["errors"])
