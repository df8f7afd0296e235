from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record

from . import services
from .models import ContactPerson, Organization, OrganizationGroup

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    code: str
    name: str
    short_name: str
    name_en: str
    kind: str
    region: str | None = Field(None, alias="region_id")
    aliases: list[str]


class GroupOut(Schema):
    term: str
    region: str | None = Field(None, alias="region_id")
    expand: bool
    members: list[str]
    description: str

    @staticmethod
    def resolve_members(obj):
        return [m.code for m in obj.members.all()]


class ContactOut(Schema):
    id: int
    organization: str
    name: str
    title: str
    phone: str
    email: str
    responsibility: str

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.code


class ContactIn(Schema):
    organization: str
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    responsibility: str = ""


@router.get("/", response=list[OrganizationOut], summary="List organizations (public)", openapi_extra=PUBLIC_API)
@paginate
def list_organizations(request, kind: str = "", region: str = ""):
    qs = Organization.objects.restrict(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region_id=region)
    return qs


@router.get("/groups", response=list[GroupOut], summary="Collective terms and their members (public)", openapi_extra=PUBLIC_API)
def list_groups(request):
    return OrganizationGroup.objects.restrict(request.user).prefetch_related("members")


@router.get("/contacts", response=list[ContactOut], auth=session_or_token,
            summary="Contacts you may see: your organization's, or all for the programme office")
@paginate
def list_contacts(request):
    return ContactPerson.objects.restrict(request.user).select_related("organization")


@router.get("/contacts/{contact_id}", response=ContactOut, auth=session_or_token,
            openapi_extra=api_record("organizations.ContactPerson", "contact_id", "pk"))
def get_contact(request, contact_id: int):
    return get_object_or_404(ContactPerson.objects.restrict(request.user).select_related("organization"), pk=contact_id)


@router.post("/contacts", response={201: ContactOut}, auth=session_or_token)
@idempotent
def create_contact(request, payload: ContactIn):
    organization = get_object_or_404(Organization.objects.restrict(request.user), code=payload.organization)
    data = payload.dict(exclude={"organization"})
    return Status(201, services.contact_create(actor=request.user, organization=organization, **data))


@router.get("/{code}", response=OrganizationOut, summary="One organization (public)", openapi_extra=PUBLIC_API)
def get_organization(request, code: str):
    return get_object_or_404(Organization.objects.restrict(request.user), code=code)
