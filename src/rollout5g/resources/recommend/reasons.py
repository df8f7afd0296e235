"""What a recommendation's result shows a person, in the reader's language: the kind of a candidate, why one was
excluded, the groups of exclusions, the solver's status, the job's title.

The result (a job's JSON) stores codes and parameters (``reason_code``, ``reason_params``; the English ``reason``
stays for the API); results computed before the codes existed show their stored text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout5g.platform.formats import percent

#: The groups of exclusions (result["counts"]["excluded"] keys), with their labels. The old English keys of results
#: computed before the codes are listed too.
REASON_GROUPS = {
    "not_open": gettext_lazy("not open"), "not open": gettext_lazy("not open"),
    "spacing": gettext_lazy("too close to an existing site"),
    "emf": gettext_lazy("EMF distance to a school or hospital"), "EMF": gettext_lazy("EMF distance to a school or hospital"),
    "built": gettext_lazy("already built"), "duct": gettext_lazy("a duct carries no antennas"),
    "indoor": gettext_lazy("indoor site"), "other": gettext_lazy("other reasons"),
}

#: Solver statuses (HiGHS / the heuristic) with their labels.
SOLVER_STATUS = {
    "Optimal": gettext_lazy("optimal"), "optimal": gettext_lazy("optimal"),
    "Time limit reached": gettext_lazy("time limit reached"), "heuristic": gettext_lazy("heuristic"),
}


def kind_label(source: str, kind: str) -> str:
    """The label of a candidate's kind: an open-list resource kind or a special-plan site type."""
    if source == "resource":
        from rollout5g.resources.choices import ResourceKind

        labels = dict(ResourceKind.choices)
    else:
        from rollout5g.sites.choices import SiteType

        labels = dict(SiteType.choices)
    return str(labels.get(kind, kind))


def group_label(code: str) -> str:
    return str(REASON_GROUPS.get(code, code))


def status_label(status) -> str:
    return str(SOLVER_STATUS.get(status, status or "—"))


def reason_text(entry: dict) -> str:
    """Why a candidate was excluded, as a sentence in the reader's language."""
    from rollout5g.resources.choices import Availability
    from rollout5g.sites.choices import KeyAreaCategory

    code, p = entry.get("reason_code"), entry.get("reason_params") or {}
    if code == "duct":
        return _("a duct carries no antennas")
    if code == "indoor":
        return _("indoor site: not part of the outdoor coverage model")
    if code == "not_open":
        state = _("smart pole full") if p.get("smart_pole_full") else str(
            dict(Availability.choices).get(p.get("availability"), p.get("availability")))
        detail = p.get("detail")
        return (_("not open: %(state)s (%(detail)s)") % {"state": state, "detail": detail} if detail
                else _("not open: %(state)s") % {"state": state})
    if code == "built":
        return _("already built: site %(site)s stands %(distance)s m away") % {
            "site": p.get("site"), "distance": p.get("distance_m")}
    if code == "spacing":
        return _("%(distance)s m from the existing site %(site)s (minimum spacing %(spacing)s m)") % {
            "distance": p.get("distance_m"), "site": p.get("site"), "spacing": f"{p.get('min_spacing_m', 0):g}"}
    if code == "emf":
        if "category" in p:
            what = f"{dict(KeyAreaCategory.choices).get(p['category'], p['category'])} {p.get('name', '')}"
        else:
            what = f"{kind_label('resource', p.get('kind', ''))} {p.get('code', '')} {p.get('name', '')}"
        return _("the EMF compliance distance of %(distance)s m reaches %(what)s") % {
            "distance": p.get("distance_m"), "what": what.strip()}
    return entry.get("reason", "")


def title_for(*, area: str, n_sites=None, target_share=None, band: str = "") -> str:
    """"站址推荐：南湖区，10 个站址，n78" in the active language."""
    if n_sites is not None:
        target = _("%(n)s sites") % {"n": n_sites}
    else:
        target = _("covered share %(share)s") % {"share": percent(target_share)}
    return _("Site recommendation: %(area)s, %(target)s, %(band)s") % {"area": area, "target": target, "band": band}


def title(job) -> str:
    """The title of a recommendation in the reader's language, from its parameters (the stored title is in the
    submitter's language)."""
    result, params = job.result or {}, job.params or {}
    if params.get("n_sites") is None and params.get("target_share") is None:
        return job.title
    area = (result.get("area") or {}).get("name") or _area_name(params.get("area"))
    return title_for(area=area, n_sites=params.get("n_sites"), target_share=params.get("target_share"),
                     band=params.get("band", ""))


def _area_name(ref) -> str:
    if not isinstance(ref, str):
        return _("drawn polygon")
    kind, _sep, key = ref.partition(":")
    if kind == "region":
        from rollout5g.regions.models import Region

        return Region.objects.filter(pk=key).values_list("name", flat=True).first() or key
    if kind == "key_area" and key.isdigit():
        from rollout5g.sites.models import KeyArea

        return KeyArea.objects.filter(pk=key).values_list("name", flat=True).first() or key
    return ref


#: The phases of a recommendation (result["timings"] keys) with their labels.
PHASES = {
    "area": gettext_lazy("area grid"), "existing": gettext_lazy("existing coverage"),
    "demand": gettext_lazy("demand"), "candidates": gettext_lazy("candidates"),
    "footprints": gettext_lazy("footprints"), "solve": gettext_lazy("optimisation"),
    "result": gettext_lazy("result"),
}


def timings(result: dict) -> list[tuple[str, float]]:
    return [(str(PHASES.get(k, k)), v) for k, v in (result.get("timings") or {}).items()]
