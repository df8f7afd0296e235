"""Base-map layers for the map script, and the tiles of local layers (MBTiles file or tile folder) at a
same-origin URL, so a government intranet without internet still gets a street map (:mod:`rollout5g.platform.basemaps`)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from rollout5g.platform import basemaps
from rollout5g.platform.routes import public

TILE_PLACEHOLDER = "/0/0/0.png"


def tile_template(layer_id: str) -> str:
    """``/tiles/<id>/{z}/{x}/{y}.png`` where the site's URL configuration names a route ``basemap-tile`` to
    :func:`tile`, else ``/regions/tiles/<id>/{z}/{x}/{y}.png``."""
    kwargs = {"layer": layer_id, "z": 0, "x": 0, "y": 0}
    try:
        url = reverse("basemap-tile", kwargs=kwargs)
    except NoReverseMatch:
        url = reverse("regions:tile", kwargs=kwargs)
    return url[: -len(TILE_PLACEHOLDER)] + "/{z}/{x}/{y}.png"


@public
def basemap_layers(request):
    """The configured base maps as the map script draws them (an empty list: the offline default)."""
    layers = [x.client(tile_template(x.id) if x.local else "") for x in basemaps.configured()]
    text = {"none": _("Boundaries only"), "gain": _("New coverage")}  # words the map script shows
    response = JsonResponse({"layers": layers, "text": text}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@public
def tile(request, layer: str, z: int, x: int, y: int):
    source = basemaps.layer(layer)
    if source is None or not source.local:
        raise Http404("no such local base map")
    data = basemaps.read_tile(source, z, x, y)
    if data is None:
        raise Http404("no tile here")
    response = HttpResponse(data, content_type=basemaps.content_type(data))
    response["Cache-Control"] = "public, max-age=86400"
    return response
