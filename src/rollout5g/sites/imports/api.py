"""API of the 工参 import and the registry exports (mounted by the lead at ``/api/sites``).

- ``POST /import`` (multipart: ``file``, ``crs``, ``mode``): the report as JSON; 422 with the errors when there
  are any and the mode is all_or_nothing (nothing was written).
- ``GET /template.xlsx``: the import template.
- ``GET /export/sites.{fmt}``, ``GET /export/cells.{fmt}`` (fmt: xlsx, csv, geojson, kml): the list filters as
  query parameters (region, operator, band, state, site_type, q, bbox, site) and ``crs=wgs84|gcj02``; only
  what the user may see. Writes and exports need a logged-in session (anonymous: 401).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.apischema import OpenSchema, file_response
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API

from .. import exports
from .. import imports as importer
from ..filters import FilterError
from . import limits as import_limits
from .services import MODES, import_cells
from .views import save_upload

router = Router(tags=["sites"])


class ImportReportOut(OpenSchema):
    """The import report: counts, the errors (file, row, column, reason), and the token of the uploaded file."""

    file: str
    committed: bool
    rows_total: int
    rows_valid: int
    rows_failed: int
    error_count: int
    errors: list[dict[str, Any]]
    token: str


_EXPORT_TYPES = [t.split(";")[0] for t in exports.CONTENT_TYPES.values()]


@router.post("/import", auth=session_or_token, response={200: ImportReportOut, 422: ImportReportOut},
             summary="Import an engineering-parameter table (.xlsx/.csv); all or nothing unless mode=valid_rows")
@idempotent
def import_file(request, file: File[UploadedFile], crs: Form[str] = "wgs84", mode: Form[str] = "all_or_nothing",
                organization: Form[str] = ""):
    if mode not in MODES:
        raise HttpError(422, f"mode: unknown mode {mode!r}; valid: {', '.join(MODES)}")
    try:
        token, path = save_upload(request.user, file, crs=crs, mode=mode)
    except import_limits.UploadRefused as exc:
        raise HttpError(413, str(exc)) from exc
    try:
        result = import_cells(actor=request.user, path=path, crs=crs, mode=mode, organization=organization or None,
                              file_name=file.name)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    if result.committed:
        path.unlink(missing_ok=True)  # imported: the file is in the audit history by its hash
    report = result.as_dict(max_errors=1000)
    report["token"] = token
    if result.errors and mode == "all_or_nothing":
        return Status(422, report)
    return Status(200, report)


@router.get("/template.xlsx", summary="The 工参 import template (.xlsx with Chinese headers and notes)",
            openapi_extra={**PUBLIC_API, **file_response("The template", exports.CONTENT_TYPES["xlsx"])})
def template(request):
    response = HttpResponse(importer.template_xlsx(), content_type=exports.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="gongcan-template.xlsx"'
    return response


def _export(request, kind: str, fmt: str):
    params = request.GET
    try:
        func = exports.export_sites if kind == "sites" else exports.export_cells
        export = func(request.user, params, fmt=fmt, crs=params.get("crs", "wgs84"))
    except (FilterError, exports.ExportError) as exc:
        raise HttpError(422, str(exc)) from exc
    return exports.http_response(export)


@router.get("/export/sites.{fmt}", auth=session_or_token, openapi_extra=file_response("The sites", *_EXPORT_TYPES),
            summary="Sites you may see, filtered like the site list, as xlsx, csv, geojson or kml")
def export_sites(request, fmt: str, region: str = "", operator: str = "", band: str = "", state: str = "",
                 site_type: str = "", q: str = "", bbox: str = "", crs: str = "wgs84"):
    return _export(request, "sites", fmt)


@router.get("/export/cells.{fmt}", auth=session_or_token, openapi_extra=file_response("The cells", *_EXPORT_TYPES),
            summary="Cells you may see, filtered like the cell list, as xlsx, csv, geojson or kml")
def export_cells(request, fmt: str, region: str = "", operator: str = "", band: str = "", state: str = "",
                 site_type: str = "", q: str = "", bbox: str = "", site: str = "", crs: str = "wgs84"):
    return _export(request, "cells", fmt)
