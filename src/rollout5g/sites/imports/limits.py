"""Limits on what an upload may make the server do: its size, what an ``.xlsx`` (a zip) unpacks to, the length of
one field, and how long an uploaded file is kept.

- :func:`max_upload_bytes`: ``settings.ROLLOUT5G_MAX_UPLOAD_BYTES`` (default 20 MB).
- :func:`check_zip_archive`: before any ``.xlsx`` (or zipped shapefile) is parsed, the sizes its zip directory
  declares are added up: more than :data:`MAX_UNCOMPRESSED_BYTES` in all, or a member more than
  :data:`MAX_COMPRESSION_RATIO` times smaller packed than unpacked, is refused as a zip bomb. Python's zipfile never
  inflates a member past its declared size (it stops and fails the CRC check), so the declared sizes bound the work.
- :data:`MAX_FIELD_CHARS`: a cell longer than this is a row/column error (no 工参 value comes near it).
- :func:`purge_stale_uploads`: uploaded files that were not imported are deleted after
  ``settings.ROLLOUT5G_UPLOAD_KEEP_HOURS`` (default 24); an imported file is deleted as soon as it is imported.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: All members of an .xlsx together, unpacked [byte]; a 200,000-row 工参 sheet is about 150 MB of XML.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
#: Unpacked/packed size of one member; Apache POI's default limit (ZipSecureFile.MIN_INFLATE_RATIO = 0.01).
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this unpacked are not held to the ratio (tiny XML parts compress very well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_FIELD_CHARS = 2000
DEFAULT_KEEP_HOURS = 24.0


class UploadRefused(ValueError):
    """The upload is refused as a whole (too large, a zip bomb)."""


def _setting(name, default):
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # used outside Django (scripts): the defaults
        return default


def max_upload_bytes() -> int:
    return int(_setting("ROLLOUT5G_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):,.1f} MB"


def too_large_message(size: int) -> str:
    """The refusal shown to the uploader, in their language."""
    from django.utils.translation import gettext as _

    return _("The file is too large (%(size).1f MB): at most %(limit).0f MB may be uploaded.") % {
        "size": size / (1024 * 1024), "limit": max_upload_bytes() / (1024 * 1024)}


def check_upload_size(size: int, file_name: str) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise UploadRefused(f"{file_name}: the file is {_mb(size)}; at most {_mb(limit)} may be uploaded")


def check_zip_archive(path: Path | str, file_name: str | None = None) -> None:
    """Refuse a zip (an .xlsx) that would unpack to too much, before anything reads its members."""
    path = Path(path)
    file_name = file_name or path.name
    max_total = int(_setting("ROLLOUT5G_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES))
    max_ratio = float(_setting("ROLLOUT5G_MAX_COMPRESSION_RATIO", MAX_COMPRESSION_RATIO))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader reports it as unreadable
    total = sum(i.file_size for i in infos)
    if total > max_total:
        raise UploadRefused(f"{file_name}: refused as a zip bomb: it would unpack to {_mb(total)} "
                            f"(at most {_mb(max_total)})")
    for info in infos:
        if info.file_size >= RATIO_FLOOR_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > max_ratio:
                raise UploadRefused(f"{file_name}: refused as a zip bomb: member {info.filename} unpacks "
                                    f"{ratio:,.0f} times its packed size ({_mb(info.file_size)}; at most "
                                    f"{max_ratio:,.0f} times)")


def keep_hours() -> float:
    return float(_setting("ROLLOUT5G_UPLOAD_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def purge_stale_uploads(folder: Path, *, now: float | None = None, hours: float | None = None) -> int:
    """Delete the upload folders (``<folder>/<token>/``) older than ``hours``; returns how many were deleted."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    limit = (keep_hours() if hours is None else hours) * 3600
    removed = 0
    for entry in folder.iterdir():
        if not entry.is_dir():
            continue
        meta = entry / "meta.json"
        try:
            started = json.loads(meta.read_text(encoding="utf-8")).get("uploaded_ts") or meta.stat().st_mtime
        except (OSError, ValueError):
            started = entry.stat().st_mtime
        if now - float(started) > limit:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
