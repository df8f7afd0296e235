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
    ("regions:map", _("Regions"), False),
    ("audit:event_list", _("Audit history"), True),
]


def navigation(request):
    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    items = [(name, label) for name, label, needs_login in NAVIGATION if logged_in or not needs_login]
    return {"nav_items": items, "rollout5g_version": __version__}
