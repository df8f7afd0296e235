from django.utils.translation import gettext_lazy as _

from rollout5g import __version__

# (url name, label, needs login) — each capability adds its entry here as it lands.
NAVIGATION = [
    ("home", _("Overview"), False),
    ("policy:document_list", _("Policy"), False),
    ("policy:task_list", _("Tasks"), False),
    ("organizations:list", _("Organizations"), False),
    ("sites:overview", _("Site registry"), True),
    ("sites:map", _("Registry map"), True),
    ("sites:plan_list", _("Special plan"), True),
    ("coverage:index", _("Coverage"), True),
    ("resources:index", _("Open list"), False),
    ("permits:index", _("Approvals"), False),
    ("cases:index", _("Cases"), True),
    ("construction:index", _("Construction projects"), True),
    ("grid:index", _("Power supply assurance"), True),
    ("emf:public_list", _("EMF information"), False),
    ("poles:index", _("Smart poles"), False),
    ("spectrum:index", _("Spectrum interference"), True),
    ("workcalendar:index", _("Working-day calendar"), True),
    ("program:index", _("Supervision"), True),
    ("incentives:index", _("Industry"), False),
    ("regions:map", _("Regions"), False),
    ("audit:event_list", _("Audit history"), True),
]


def navigation(request):
    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    items = [(name, label) for name, label, needs_login in NAVIGATION if logged_in or not needs_login]
    from rollout5g.notifications.services import unread_count

    return {"nav_items": items, "rollout5g_version": __version__,
            "unread_notifications": unread_count(user) if logged_in else 0}
