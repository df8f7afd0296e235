"""The home region of a deployment: the city (e.g. a prefecture-level city) or province it serves, and its
policy documents. Configuration, never a literal in code (tests/test_home_region.py enforces it).

Where the value comes from, first match wins:

1. ``settings.ROLLOUT5G_HOME`` (``ROLLOUT5G_HOME_REGION`` = an adcode, ``ROLLOUT5G_HOME_DOCUMENTS`` = comma-separated
   document keys, from the environment);
2. ``<data dir>/home.json``, written by ``rollout5g demo --region <adcode>`` so that ``serve`` on that data
   directory keeps the region the demo loaded;
3. the shipped default ``platform/data/home.json``.

An empty document list means "every loaded document of the home region and of the regions above it" (a city also
follows its province's documents). The Region object itself is ``rollout5g.regions.services.home_region()``; this
module stays below the apps and knows only the adcode and the keys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

HOME_FILE = "home.json"
_DEFAULT_FILE = Path(__file__).resolve().parent / "data" / HOME_FILE
_ADCODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Home:
    """``region``: adcode of the home region; ``documents``: configured policy document keys (empty: derived);
    ``source``: where the value was read (settings, the data directory's file, the shipped default)."""

    region: str
    documents: tuple[str, ...]
    source: str


class HomeConfigError(ValueError):
    pass


def _check(region: str, documents, source: str) -> Home:
    region = str(region or "").strip()
    if not _ADCODE.match(region):
        raise HomeConfigError(f"{source}: the home region must be a 6-digit adcode, not {region!r}")
    if isinstance(documents, str):
        documents = documents.split(",")
    docs = tuple(d.strip() for d in (documents or ()) if str(d).strip())
    return Home(region=region, documents=docs, source=source)


def _read(path: Path) -> Home:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HomeConfigError(f"{path}: cannot read the home region ({exc})") from exc
    return _check(data.get("region"), data.get("documents"), str(path))


def _data_dir() -> Path | None:
    from django.conf import settings

    value = getattr(settings, "DATA_DIR", None)
    return Path(value) if value else None


_cache: dict[tuple, Home] = {}


def home() -> Home:
    """The deployment's home region and documents (read once per configuration and file version)."""
    from django.conf import settings

    configured = dict(getattr(settings, "ROLLOUT5G_HOME", None) or {})
    if configured.get("region"):
        key = ("settings", configured.get("region"), str(configured.get("documents") or ""))
        if key not in _cache:
            _cache[key] = _check(configured["region"], configured.get("documents"), "settings ROLLOUT5G_HOME")
        return _cache[key]
    data_dir = _data_dir()
    path = data_dir / HOME_FILE if data_dir else None
    if path is None or not path.exists():
        path = _DEFAULT_FILE
    key = ("file", str(path), path.stat().st_mtime_ns)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _read(path)
    return _cache[key]


def home_adcode() -> str:
    """Adcode of the home region (a city such as the demo's, or a province)."""
    return home().region


def home_document_keys() -> tuple[str, ...]:
    """The configured policy document keys; empty when the deployment follows every document of its region and the
    regions above it (``rollout5g.regions.services`` / the policy app resolve that)."""
    return home().documents


def write_home(data_dir: Path, *, region: str, documents=()) -> Path:
    """Record the home region in ``data_dir`` (what ``demo --region`` does), so that later commands keep it."""
    checked = _check(region, documents, "write_home")
    path = Path(data_dir) / HOME_FILE
    path.write_text(json.dumps({"region": checked.region, "documents": list(checked.documents)}, indent=2) + "\n",
                    encoding="utf-8")
    _cache.clear()
    return path
