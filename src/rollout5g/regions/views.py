from django.shortcuts import get_object_or_404, render

from rollout5g.platform.home import home_adcode
from rollout5g.platform.routes import public

from .models import Region


@public
def region_map(request):
    """Browse regions on a map. The boundaries themselves are the base layer: there is no tile server offline."""
    regions = Region.objects.restrict(request.user).filter(level__in=["province", "city"]).order_by("adcode")
    focus = request.GET.get("focus") or home_adcode()
    return render(request, "regions/region_map.html", {"regions": regions, "focus": focus})


@public
def region_detail(request, adcode):
    region = get_object_or_404(Region.objects.restrict(request.user).select_related("parent"), adcode=adcode)
    return render(
        request,
        "regions/region_detail.html",
        {"region": region, "children": region.children.order_by("adcode"),
         "organizations": region.organizations.order_by("kind", "code")},
    )
