"""The registry map page. The data comes from GET /api/sites/map (see map_api.py)."""

from django.shortcuts import render

from rollout5g.platform.routes import signed_in

from ..choices import SiteState
from ..views import _filter_context


@signed_in
def site_map(request):
    """Sites on a map with the list filters; clusters computed by the server, sites when zoomed in."""
    return render(request, "sites/site_map.html", {
        **_filter_context(request),
        "state_legend": [(value, label, SiteState.colour(value)) for value, label in SiteState.choices],
        "state_info": {value: {"label": str(label), "colour": SiteState.colour(value)}
                       for value, label in SiteState.choices},
    })
