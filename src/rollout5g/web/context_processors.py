import functools

from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from rollout5g import __version__
from rollout5g.platform.routes import declared_access

# (url name, label) — each capability adds its entry here as it lands. Who sees an entry is not written here: the
# route's own access declaration (@public, @signed_in, @roles in platform/routes.py) decides, so a link is shown only
# to those its page lets in.
NAVIGATION = [
    ("home", _("Overview")),
    ("policy:document_list", _("Policy")),
    ("policy:task_list", _("Tasks")),
    ("organizations:list", _("Organizations")),
    ("sites:overview", _("Site registry")),
    ("sites:map", _("Registry map")),
    ("sites:plan_list", _("Special plan")),
    ("coverage:index", _("Coverage")),
    ("resources:index", _("Open list")),
    ("permits:index", _("Approvals")),
    ("cases:index", _("Cases")),
    ("construction:index", _("Construction projects")),
    ("grid:index", _("Power supply assurance")),
    ("emf:public_list", _("EMF information")),
    ("poles:index", _("Smart poles")),
    ("spectrum:index", _("Spectrum interference")),
    ("safeguard:index", _("Facility security")),
    ("workcalendar:index", _("Working-day calendar")),
    ("program:index", _("Supervision")),
    ("cascade:index", _("Provincial tasks in the cities")),
    ("incentives:index", _("Industry")),
    ("regions:map", _("Regions")),
    ("audit:event_list", _("Audit history")),
]


@functools.cache
def _url(name: str) -> str:
    """The path of a navigation entry (reversed once per process: about twenty per page otherwise)."""
    return reverse(name)


@functools.cache
def _route_access(name: str):
    """The access declaration of the view a navigation entry's URL reaches (resolved once per process)."""
    access = declared_access(resolve(_url(name)).func)
    if access is None:
        raise LookupError(f"the navigation entry {name!r} reaches a view without an access declaration")
    return access


def navigation_items(user) -> list[tuple[str, str, str]]:
    """The (url name, label, path) entries of the main navigation that ``user`` (anonymous too) may open."""
    return [(name, label, _url(name)) for name, label in NAVIGATION if _route_access(name).allows(user)]


def navigation(request):
    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    from rollout5g.notifications.services import unread_count
    from rollout5g.platform.home import home_adcode

    return {"nav_items": navigation_items(user), "rollout5g_version": __version__,
            "unread_notifications": unread_count(user) if logged_in else 0,
            "home_region": home_adcode()}
