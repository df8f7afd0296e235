"""Pages of the 工参 import (upload → preview with the error table → import all / import the valid rows) and
the registry exports. The uploaded file waits in ``MEDIA_ROOT/imports/<token>/`` between the preview and the
import; only the user who uploaded it may use its token. It is deleted once imported, and a folder left waiting
longer than ``ROLLOUT5G_UPLOAD_KEEP_HOURS`` is deleted by the periodic check ``sites.purge_uploads`` (and at the
next upload). A file over ``ROLLOUT5G_MAX_UPLOAD_BYTES`` is refused before it is stored.

The lead mounts :data:`urlpatterns` under ``/sites/`` in the ``sites`` namespace (before ``<code>/``).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rollout5g.core.geo import CRS_CHOICES
from rollout5g.platform.formats import CRS_LABELS, crs_label
from rollout5g.platform.routes import public, signed_in

from .. import exports
from .. import imports as importer
from ..filters import SITE_FILTER_KEYS, FilterError
from . import limits as import_limits
from .services import import_cells

PREVIEW_ERRORS = 500
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _safe_name(name: str) -> str:
    name = Path(name or "upload").name
    suffix = Path(name).suffix.lower()
    stem = re.sub(r"[^\w\-.]+", "_", Path(name).stem)[:80] or "upload"
    return f"{stem}{suffix}"


def save_upload(user, upload, *, crs: str, mode: str) -> tuple[str, Path]:
    """Keep an uploaded file under a new token; returns ``(token, path)``. Refuses (``UploadRefused``) a file over
    the upload limit, and deletes the folders of uploads abandoned for longer than the keeping time."""
    import_limits.check_upload_size(upload.size, upload.name)
    import_limits.purge_stale_uploads(imports_dir())
    token = secrets.token_urlsafe(18)
    folder = imports_dir() / token
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _safe_name(upload.name)
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    meta = {"user": user.pk, "file_name": upload.name, "path": target.name, "crs": crs, "mode": mode,
            "uploaded_at": timezone.now().isoformat(), "uploaded_ts": time.time()}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token, target


def _load(request, token: str) -> tuple[Path, dict]:
    if not _TOKEN_RE.match(token):
        raise Http404
    folder = imports_dir() / token
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise Http404
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user") != request.user.pk:
        raise Http404
    return folder, meta


def _run(request, folder: Path, meta: dict, mode: str):
    source = folder / meta["path"]
    if not source.exists():
        raise Http404("the uploaded file is gone; upload it again")
    result = import_cells(actor=request.user, path=source, crs=meta["crs"], mode=mode, file_name=meta["file_name"])
    report = result.as_dict(max_errors=PREVIEW_ERRORS)
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    failed = folder / "failed_rows.xlsx"
    if result.errors and (data := result.failed_rows_xlsx()):
        failed.write_bytes(data)
    elif failed.exists() and not result.errors:
        failed.unlink()
    if result.committed:
        source.unlink(missing_ok=True)  # imported: the file is in the audit history by its hash
    return result


@signed_in
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload form: file, coordinate system, and whether to preview first (default) or import at once."""
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        crs = request.POST.get("crs", "wgs84")
        mode = request.POST.get("mode", "dry_run")
        if upload is None:
            error = "Choose a file."
        elif Path(upload.name).suffix.lower() not in importer.SUPPORTED_SUFFIXES:
            error = "Use an .xlsx or .csv file."
        elif crs not in CRS_CHOICES or mode not in ("dry_run", "all_or_nothing"):
            error = "Unknown coordinate system or mode."
        elif upload.size > import_limits.max_upload_bytes():
            error = import_limits.too_large_message(upload.size)
        else:
            token, _ = save_upload(request.user, upload, crs=crs, mode=mode)
            folder, meta = _load(request, token)
            try:
                _run(request, folder, meta, mode)
            except PermissionDenied:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            return redirect("sites:import_preview", token=token)
    return render(request, "sites/import_upload.html", {
        "crs_choices": CRS_LABELS.items(), "error": error, "columns": importer.COLUMNS,
        "required": [label for _, label in importer.REQUIRED_GROUPS],
        "export_parameters": SITE_FILTER_KEYS,  # the query parameters of an export link: shown as code
    })


@signed_in
def import_preview(request, token: str):
    """The report: counts, the error table (file, row, column, reason), and what can be done next."""
    folder, meta = _load(request, token)
    report_path = folder / "report.json"
    if not report_path.exists():
        raise Http404
    report = json.loads(report_path.read_text(encoding="utf-8"))
    pending = (folder / meta["path"]).exists() and not report["committed"]
    file_errors = any(e["row"] is None for e in report["errors"])
    return render(request, "sites/import_preview.html", {
        "token": token, "meta": meta, "report": report, "crs_label": crs_label(meta["crs"]),
        "may_import_all": pending and report["error_count"] == 0,
        "may_import_valid": pending and report["error_count"] > 0 and report["rows_valid"] > 0 and not file_errors,
        "has_failed_rows": (folder / "failed_rows.xlsx").exists(),
        "more_errors": max(0, report["error_count"] - len(report["errors"])),
    })


@signed_in
@require_POST
def import_commit(request, token: str):
    """Import the previewed file: all rows (only when there were no errors) or the valid rows."""
    folder, meta = _load(request, token)
    mode = request.POST.get("mode", "all_or_nothing")
    if mode not in ("all_or_nothing", "valid_rows"):
        raise Http404
    _run(request, folder, meta, mode)
    return redirect("sites:import_preview", token=token)


@signed_in
def import_failed_rows(request, token: str):
    folder, meta = _load(request, token)
    failed = folder / "failed_rows.xlsx"
    if not failed.exists():
        raise Http404
    name = f"{Path(meta['file_name']).stem}-failed-rows.xlsx"
    return FileResponse(failed.open("rb"), as_attachment=True, filename=name,
                        content_type=exports.CONTENT_TYPES["xlsx"])


@public
def import_template(request):
    response = HttpResponse(importer.template_xlsx(), content_type=exports.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="gongcan-template.xlsx"'
    return response


@signed_in
def export(request, kind: str, fmt: str):
    """``/sites/export/<sites|cells>.<fmt>?<list filters>&crs=``: what the user may see, as the list shows it."""
    func = {"sites": exports.export_sites, "cells": exports.export_cells}.get(kind)
    if func is None:
        raise Http404
    try:
        result = func(request.user, request.GET, fmt=fmt, crs=request.GET.get("crs", "wgs84"))
    except (FilterError, exports.ExportError) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return exports.http_response(result)


urlpatterns = [
    path("import/", import_upload, name="import"),
    path("import/template.xlsx", import_template, name="import_template"),
    path("import/<str:token>/", import_preview, name="import_preview"),
    path("import/<str:token>/commit/", import_commit, name="import_commit"),
    path("import/<str:token>/failed-rows.xlsx", import_failed_rows, name="import_failed_rows"),
    path("export/<slug:kind>.<slug:fmt>", export, name="export"),
]
