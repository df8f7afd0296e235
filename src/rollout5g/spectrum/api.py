"""JSON API of the interference complaints, mounted at /api/spectrum. Lists and details read through
``restrict()``; writes call the same services as the pages (403 when the user may not act, 422 naming the field for
bad input — the platform's error handler turns the services' exceptions into problem details)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import api_record
from rollout5g.platform.workflow import available_actions

from . import services
from .models import InterferenceComplaint
from .selectors import investigation_clock, statistics

router = Router(tags=["Spectrum interference"])


class SpectrumComplaintOut(Schema):
    code: str
    reporter: str
    investigator: str
    site: str | None
    cell: str
    band: str
    freq_low_mhz: Decimal
    freq_high_mhz: Decimal
    started_on: dt.date
    reported_on: dt.date
    state: str
    due: dt.date | None
    clock: str

    @staticmethod
    def resolve_reporter(obj):
        return obj.reporter.code

    @staticmethod
    def resolve_investigator(obj):
        return obj.investigator.code

    @staticmethod
    def resolve_site(obj):
        return obj.site.code if obj.site_id else None

    @staticmethod
    def resolve_due(obj):
        return investigation_clock(obj).due

    @staticmethod
    def resolve_clock(obj):
        return investigation_clock(obj).state


class SpectrumMeasurementOut(Schema):
    id: int
    measured_on: dt.date
    frequency_mhz: Decimal
    level_dbm: Decimal
    place: str
    note: str


class SpectrumComplaintDetailOut(SpectrumComplaintOut):
    symptoms: str
    source_kind: str
    source_description: str
    measure: str
    measure_note: str
    resolution: str
    resolved_on: dt.date | None
    closed_on: dt.date | None
    limit_days: int
    measurements: list[SpectrumMeasurementOut]
    actions: list[str]

    @staticmethod
    def resolve_measurements(obj):
        return list(obj.measurements.all())

    @staticmethod
    def resolve_actions(obj, context):
        return [name for name, ok in available_actions(context["request"].user, obj).items() if ok]


class SpectrumComplaintIn(Schema):
    band: str
    freq_low_mhz: Decimal
    freq_high_mhz: Decimal
    symptoms: str
    started_on: dt.date
    site: str = ""
    cell: str = ""
    region: str = ""  # adcode of the region, for a complaint without a site


class SpectrumStepIn(Schema):
    note: str = ""
    source_kind: str = ""
    description: str = ""
    measure: str = ""
    resolution: str = ""
    resolved_on: dt.date | None = None
    measured_on: dt.date | None = None
    frequency_mhz: Decimal | None = None
    level_dbm: Decimal | None = None
    place: str = ""


class SpectrumStatsOut(Schema):
    band: str
    month: str
    received: int
    resolved: int
    open: int
    within_limit: int
    mean_days: Decimal | None
    sources: dict[str, int]


def _complaint(request, code) -> InterferenceComplaint:
    qs = InterferenceComplaint.objects.restrict(request.user).select_related("reporter", "investigator", "site")
    return get_object_or_404(qs, code=code)


@router.get("/complaints", response=list[SpectrumComplaintOut], auth=session_or_token,
            summary="Interference complaints you may see")
@paginate
def complaint_list(request, state: str = "", band: str = ""):
    qs = InterferenceComplaint.objects.restrict(request.user).select_related("reporter", "investigator", "site")
    if state:
        qs = qs.filter(state=state)
    if band:
        qs = qs.filter(band=band)
    return qs


@router.post("/complaints", response={201: SpectrumComplaintDetailOut}, auth=session_or_token,
             summary="An operator reports interference at a site or cell")
@idempotent
def complaint_create(request, payload: SpectrumComplaintIn):
    complaint = services.complaint_report(actor=request.user, band=payload.band, freq_low_mhz=payload.freq_low_mhz,
                                          freq_high_mhz=payload.freq_high_mhz, symptoms=payload.symptoms,
                                          started_on=payload.started_on, site=payload.site, cell=payload.cell,
                                          region=payload.region or None)
    return Status(201, _complaint(request, complaint.code))


@router.get("/complaints/{code}", response=SpectrumComplaintDetailOut, auth=session_or_token,
            openapi_extra=api_record("spectrum.InterferenceComplaint", "code", "code"),
            summary="One interference complaint with its measurements")
def complaint_detail(request, code: str):
    return _complaint(request, code)


@router.post("/complaints/{code}/{step}", response=SpectrumComplaintDetailOut, auth=session_or_token,
             summary="A step: monitor, measure, identify, coordinate, resolve, confirm, persists, close")
@idempotent
def complaint_step(request, code: str, step: str, payload: SpectrumStepIn):
    c, actor, p = _complaint(request, code), request.user, payload
    if step == "monitor":
        services.complaint_monitor(actor=actor, complaint=c, note=p.note)
    elif step == "measure":
        services.measurement_record(actor=actor, complaint=c, measured_on=p.measured_on, frequency_mhz=p.frequency_mhz,
                                    level_dbm=p.level_dbm, place=p.place, note=p.note)
    elif step == "identify":
        services.complaint_identify(actor=actor, complaint=c, source_kind=p.source_kind, description=p.description)
    elif step == "coordinate":
        services.complaint_coordinate(actor=actor, complaint=c, measure=p.measure, note=p.note)
    elif step == "resolve":
        services.complaint_resolve(actor=actor, complaint=c, resolution=p.resolution, resolved_on=p.resolved_on)
    elif step == "confirm":
        services.complaint_confirm(actor=actor, complaint=c, note=p.note)
    elif step == "persists":
        services.complaint_persists(actor=actor, complaint=c, note=p.note)
    elif step == "close":
        services.complaint_close(actor=actor, complaint=c, note=p.note)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _complaint(request, code)


@router.get("/statistics", response=list[SpectrumStatsOut], auth=session_or_token,
            summary="Complaints per band and month of report (those you may see)")
def complaint_stats(request, year: int | None = None):
    qs = InterferenceComplaint.objects.restrict(request.user)
    if year:
        qs = qs.filter(reported_on__year=year)
    return [{"band": r.band, "month": r.month, "received": r.received, "resolved": r.resolved, "open": r.open,
             "within_limit": r.within_limit, "mean_days": r.mean_days, "sources": r.sources}
            for r in statistics(qs)]
