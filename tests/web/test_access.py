"""Access rules tested from the outside, through HTTP: pages and API.

The first owned model of the foundation is ContactPerson (personal data of an organization's staff): a user bound
to one organization may see and add only its own organization's contacts; the programme office sees all;
anonymous users see only public pages. Later capabilities extend these tests to their own models.
"""

import pytest

from rollout5g.organizations import services
from rollout5g.organizations.models import Organization

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/policy/", "/policy/tasks/", "/organizations/", "/organizations/jx-dei/", "/regions/",
                "/regions/330400/", "/api/docs", "/api/openapi.json", "/api/policy/tasks", "/api/organizations/"]
PRIVATE_PAGES = ["/organizations/contacts/", "/audit/"]


@pytest.fixture
def contacts(users):
    mobile = Organization.objects.get(code="jx-mobile")
    telecom = Organization.objects.get(code="jx-telecom")
    return {
        "mobile": services.contact_create(actor=users["mobile"], organization=mobile, name="移动联系人",
                                          phone="13900000001"),
        "telecom": services.contact_create(actor=users["telecom"], organization=telecom, name="电信联系人",
                                           phone="13900000002"),
    }


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_sees_public_pages(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PRIVATE_PAGES)
def test_anonymous_is_sent_to_login_for_private_pages(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_api_cannot_read_private_records(client, contacts):
    assert client.get("/api/organizations/contacts").status_code == 401
    assert client.get(f"/api/organizations/contacts/{contacts['mobile'].pk}").status_code == 401
    assert client.get("/api/audit/events").status_code == 401


def test_operator_lists_only_its_own_contacts(client_for, contacts):
    mobile = client_for("mobile")
    page = mobile.get("/organizations/contacts/").content.decode()
    assert "移动联系人" in page and "电信联系人" not in page
    api = mobile.get("/api/organizations/contacts").json()
    assert [c["name"] for c in api["items"]] == ["移动联系人"]


def test_operator_cannot_open_another_operators_contact(client_for, contacts):
    mobile = client_for("mobile")
    assert mobile.get(f"/organizations/contacts/{contacts['telecom'].pk}/").status_code == 404
    assert mobile.get(f"/api/organizations/contacts/{contacts['telecom'].pk}").status_code == 404
    # and the other operator's organization page does not show them either
    assert "电信联系人" not in mobile.get("/organizations/jx-telecom/").content.decode()
    assert mobile.get(f"/organizations/contacts/{contacts['mobile'].pk}/").status_code == 200


def test_operator_cannot_add_contacts_to_another_organization(client_for, contacts):
    mobile = client_for("mobile")
    response = mobile.post("/api/organizations/contacts", {"organization": "jx-telecom", "name": "冒名"},
                           content_type="application/json")
    assert response.status_code == 403
    page = mobile.post("/organizations/jx-telecom/contacts/add/", {"name": "冒名"})
    assert page.status_code == 403
    assert not Organization.objects.get(code="jx-telecom").contacts.filter(name="冒名").exists()


def test_operator_adds_its_own_contact_through_api(client_for):
    mobile = client_for("mobile")
    response = mobile.post("/api/organizations/contacts",
                           {"organization": "jx-mobile", "name": "新联系人", "email": "a@example.cn"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["organization"] == "jx-mobile"


def test_bad_contact_input_is_refused_with_the_field(client_for):
    response = client_for("mobile").post("/api/organizations/contacts",
                                         {"organization": "jx-mobile", "name": "x", "email": "not-an-email"},
                                         content_type="application/json")
    assert response.status_code == 422 and "email" in response.json()["detail"]


def test_program_office_sees_every_contact(client_for, contacts):
    office = client_for("office")
    names = [c["name"] for c in office.get("/api/organizations/contacts").json()["items"]]
    assert {"移动联系人", "电信联系人"} <= set(names)
    assert office.get(f"/organizations/contacts/{contacts['telecom'].pk}/").status_code == 200


def test_department_reviewer_sees_no_operator_contacts(client_for, contacts):
    planning = client_for("planning")
    assert planning.get(f"/api/organizations/contacts/{contacts['mobile'].pk}").status_code == 404
    assert planning.get("/api/organizations/contacts").json()["items"] == []


def test_audit_history_is_for_the_program_office_only(client_for):
    assert client_for("mobile").get("/api/audit/events").json()["items"] == []
    assert client_for("office").get("/api/audit/events").json()["count"] > 100
    assert "tampered" not in client_for("office").get("/audit/").content.decode()


def test_every_api_write_endpoint_requires_login(client):
    """OpenAPI schema test: the schema builds, and every non-GET operation declares authentication — except the
    writes the public may make on purpose (a measurement request of a resident), which are listed here by name and
    must be idempotent."""
    public_writes = {("post", "/api/v1/emf/requests")}
    schema = client.get("/api/openapi.json").json()
    writes = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
              if method in ("post", "put", "patch", "delete")]
    assert writes, "the API has write endpoints"
    for path, method, op in writes:
        if (method, path) in public_writes:
            assert op.get("x-access") == "public", path
            assert "Idempotency-Key" in [p["name"] for p in op.get("parameters", [])], path
            continue
        assert op.get("security"), f"{method.upper()} {path} does not require authentication"


def test_restrict_without_policy_fails_closed(users):
    from django.contrib.auth.models import Group

    from rollout5g.platform.access import RestrictedQuerySet

    qs = RestrictedQuerySet(model=Group)
    assert list(qs.restrict(users["office"], "view")) == []
    # an action the model does not declare is an error, not an empty list
    with pytest.raises(ValueError, match="declares no action 'publish'; declared: view, add, change, delete"):
        qs.restrict(users["office"], "publish")
