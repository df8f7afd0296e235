"""Running a recommendation (a background job) and turning its proposals into site requests or special-plan entries.
Who may do either is declared once on :class:`~.models.Recommendation`; the job rows are written by
:mod:`rollout5g.jobs.services`."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from shapely.geometry import mapping

from rollout5g.platform.access import can_add
from rollout5g.platform.workflow import authorize, authorize_create

from .config import JOB_KIND, SUPPORTED_BANDS, RecommendError
from .models import Recommendation
from .reasons import title_for
from .selectors import find_operator, resolve_area


def can_recommend(user) -> bool:
    """Whether ``user``'s role runs recommendations at all (the declaration's ``add``): operators (and the tower
    company) and the programme office."""
    return user is not None and can_add(user, Recommendation)


def submit_recommendation(*, actor, area, n_sites=None, target_share=None, band="n78", operator=None,
                          method="greedy", min_spacing_m=250.0, resolution_m=50.0) -> Recommendation:
    """Validate the parameters and queue a recommendation job; returns it. An operator recommends for its own
    network only (``operator`` = its organization's code, or none); the programme office for any operator."""
    from rollout5g.jobs.services import job_submit

    authorize_create(actor, Recommendation)
    resolved = resolve_area(area)
    if (n_sites is None) == (target_share is None):
        raise RecommendError(_("Give either a number of new sites or a covered-share target."))
    if band not in SUPPORTED_BANDS:
        raise RecommendError(_("Band %(band)s is not supported; valid: %(valid)s")
                             % {"band": band, "valid": ", ".join(SUPPORTED_BANDS)})
    if method not in ("greedy", "exact"):
        raise RecommendError(_("Unknown method %(method)s; valid: greedy, exact") % {"method": method})
    network = find_operator(operator)
    if network is not None:
        authorize_create(actor, Recommendation, owner=network)
    params = {"area": resolved.ref if resolved.ref != "polygon" else mapping(resolved.geometry),
              "n_sites": n_sites, "target_share": target_share, "band": band, "operator": operator or None,
              "method": method, "min_spacing_m": float(min_spacing_m), "resolution_m": float(resolution_m)}
    title = title_for(area=resolved.name if resolved.ref != "polygon" else _("drawn polygon"), n_sites=n_sites,
                      target_share=target_share, band=band)
    job = job_submit(actor, JOB_KIND, params, title=title)
    return Recommendation.objects.get(pk=job.pk)


def convert_proposals(*, actor, job, ranks, action: str, planned_year: int | None = None) -> dict:
    """Turn the selected proposals (``ranks``) of a finished recommendation into site requests (open-list
    resources, ``action="requests"``) or special-plan entries (``action="plan"``), in one transaction.

    The declared action ``convert`` decides who may (the recommendation's operator, the programme office) and when
    (the job has succeeded). A proposal converted before, or one that does not fit the action (a special-plan entry
    asked for as a site request; a plan entry that already exists), is skipped with the reason. The job's result
    records what each proposal became, so nothing is created twice. Returns ``{"created": [...], "skipped": [...]}``.
    """
    from django.db import transaction

    from rollout5g.jobs.services import job_result_update
    from rollout5g.sites.choices import SiteType
    from rollout5g.sites.models import KeyArea
    from rollout5g.sites.services import planned_site_create

    from ..models import PublicResource
    from ..services import site_request_create

    if action not in ("requests", "plan"):
        raise RecommendError(_("Unknown conversion %(action)s; valid: requests, plan") % {"action": action})
    year = planned_year or dt.date.today().year
    created, skipped = [], []
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=job.pk)
        authorize(actor, "convert", rec)
        result = rec.result
        by_rank = {p["rank"]: p for p in result["proposals"]}
        unknown = [r for r in ranks if r not in by_rank]
        if unknown:
            raise RecommendError(_("No proposal number %(numbers)s in this recommendation")
                                 % {"numbers": ", ".join(map(str, unknown))})
        if not ranks:
            raise RecommendError(_("Select at least one proposal."))
        org = getattr(actor, "organization", None)
        network = find_operator(result["params"].get("operator"))
        if network is not None and (getattr(actor, "is_system", False) or actor.is_superuser
                                    or actor.is_program_office):
            org = network  # the office plans for the operator the recommendation was made for
        key_area = KeyArea.objects.filter(pk=result["area"].get("key_area")).first()
        note = f"site recommendation job #{rec.pk}, proposal"
        for rank in sorted(set(ranks)):
            p = by_rank[rank]
            label = f"#{rank} {p['code']}"
            if p.get("converted"):
                skipped.append(_("%(proposal)s: already converted to %(code)s")
                               % {"proposal": label, "code": p["converted"]["code"]})
                continue
            if action == "requests":
                if p["source"] != "resource":
                    skipped.append(_("%(proposal)s: a special-plan entry, not an open-list resource")
                                   % {"proposal": label})
                    continue
                resource = PublicResource.objects.get(pk=p["id"])
                req = site_request_create(actor=actor, resource=resource, band=result["params"]["band"],
                                          purpose=f"{note} {rank}", planned_year=year)
                p["converted"] = {"kind": "site_request", "id": req.pk, "code": req.code}
                created.append(req.code)
            else:
                if p["source"] == "planned_site":
                    skipped.append(_("%(proposal)s: already in the special plan") % {"proposal": label})
                    continue
                if org is None:
                    raise RecommendError(_("Your account has no organization to plan the site for."))
                site_type = (SiteType.SMART_POLE if p["config"] == "pole" and "smart" in p["kind"]
                             else SiteType.STREET_POLE if p["config"] == "pole" else SiteType.ROOFTOP)
                plan = planned_site_create(actor=actor, organization=org, lon=p["lon"], lat=p["lat"],
                                           planned_year=year, site_type=site_type, name=p["name"],
                                           place=p["code"], key_area=key_area, note=f"{note} {rank}")
                p["converted"] = {"kind": "planned_site", "id": plan.pk, "code": plan.code}
                created.append(plan.code)
        if created:
            job_result_update(actor=actor, job=rec, result=result, before={"converted": []},
                              after={"converted": created, "action": action},
                              note=f"convert: proposals {sorted(set(ranks))}")
    return {"created": created, "skipped": skipped}
