from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rollout5g.platform.access import can_add
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate, paginate_lazily
from rollout5g.platform.routes import public, signed_in

from . import services
from .choices import OrganizationKind
from .forms import ContactForm
from .models import ContactPerson, Organization, OrganizationGroup

#: A region's boundaries (two GeoJSON documents, hundreds of kilobytes for a county) are never shown by these pages:
#: loading them with the organization cost most of a list page's time.
REGION_GEOMETRY = ("region__geometry", "region__display_geometry")


@public
def organization_list(request):
    queryset = Organization.objects.restrict(request.user).select_related("region").defer(*REGION_GEOMETRY)
    kind, q, region = request.GET.get("kind", ""), request.GET.get("q", "").strip(), request.GET.get("region", "")
    if kind:
        queryset = queryset.filter(kind=kind)
    if region:
        queryset = queryset.filter(region_id=region)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    # the kind's label once per kind, not once per row (get_FOO_display hashes every lazy label of the choices)
    kinds = [(value, str(label)) for value, label in OrganizationKind.choices]
    labels = dict(kinds)

    def labelled(organizations):
        for organization in organizations:
            organization.kind_label = labels.get(organization.kind, "")
        return organizations

    # read only when the list is rendered, not when it is kept ({% datacache %} in the template)
    page, query = paginate_lazily(request, lambda: queryset, shown=labelled)
    return render(
        request,
        "organizations/organization_list.html",
        {"page": page, "query": query, "kinds": kinds, "params": request.GET,
         "groups": OrganizationGroup.objects.restrict(request.user).prefetch_related("members")},
    )


@public
def organization_detail(request, code):
    organization = get_object_or_404(
        Organization.objects.restrict(request.user).select_related("region").defer(*REGION_GEOMETRY), code=code)
    # the policy documents name their units through ``TaskUnit.organization`` (related_name task_units): the page
    # follows that relation instead of importing the policy app, which sits above this one
    task_units = (
        organization.task_units.restrict(request.user)
        .select_related("task", "task__document")
        .order_by("task__document", "task__sort_order")
    )
    contacts = ContactPerson.objects.restrict(request.user).filter(organization=organization)
    may_add_contact = request.user.is_authenticated and (
        request.user.is_program_office or (can_add(request.user, ContactPerson) and request.user.organization_id == organization.pk)
    )
    return render(
        request,
        "organizations/organization_detail.html",
        {"organization": organization, "task_units": task_units, "contacts": contacts,
         "may_add_contact": may_add_contact, "groups": organization.groups.all()},
    )


@signed_in
def contact_list(request):
    page, query = paginate(request, ContactPerson.objects.restrict(request.user).select_related("organization"))
    return render(request, "organizations/contact_list.html", {"page": page, "query": query})


@signed_in(record="organizations.ContactPerson", lookup=("pk", "pk"))
def contact_detail(request, pk):
    contact = get_object_or_404(ContactPerson.objects.restrict(request.user), pk=pk)
    return render(request, "organizations/contact_detail.html", {"contact": contact})


@signed_in
@single_submit
def contact_add(request, code):
    organization = get_object_or_404(Organization.objects.restrict(request.user), code=code)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # PermissionDenied from the service becomes a 403
        contact = services.contact_create(actor=request.user, organization=organization, **form.cleaned_data)
        messages.success(request, _("Contact added."))
        return redirect("organizations:contact_detail", pk=contact.pk)
    return render(request, "organizations/contact_form.html", {"form": form, "organization": organization})
