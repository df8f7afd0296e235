"""Cells of the site registry as the coverage engine's arrays (the ``rollout5g coverage`` command without
``--cells``, and the web coverage job)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rollout5g.core.radio.cells import CELL_COLUMNS, CELL_FIELDS, Cells

#: Fields of the engine's cells beyond CELLS.csv's required columns that the registry stores.
_ENGINE_EXTRAS = ("mechanical_tilt_deg", "electrical_tilt_deg", "bandwidth_mhz", "site_id")


def radiating_cells(*, as_of: dt.date | None = None, band: str | None = None, operator: str | None = None,
                    queryset=None) -> Cells:
    """Cells radiating on ``as_of`` (default today), optionally one band / operator (organization code), with their
    carrier (centre frequency and bandwidth), mechanical and electrical tilt, and site code."""
    from rollout5g.sites.models import Cell
    from rollout5g.sites.selectors import radiating_on

    qs = (queryset if queryset is not None else Cell.objects.all()).filter(radiating_on(as_of or dt.date.today()))
    if band:
        qs = qs.filter(band__iexact=band)
    if operator:
        qs = qs.filter(operator__code=operator)
    # The engine's fields stored on sites.Cell, read through their ORM paths in the one cell specification; the
    # total tilt is the stored mechanical + electrical.
    fields = [f for f in CELL_FIELDS if f.registry and (f.name in CELL_COLUMNS or f.name in _ENGINE_EXTRAS)]
    rows = list(qs.order_by("cell_id").values_list(*(f.registry for f in fields)))
    columns = dict(zip((f.name for f in fields), zip(*rows, strict=True) if rows else [() for _ in fields],
                       strict=True))
    data = {name: list(columns[name]) for name in CELL_COLUMNS if name in columns}
    data["tilt_deg"] = [m + e for m, e in zip(columns["mechanical_tilt_deg"], columns["electrical_tilt_deg"],
                                              strict=True)]
    data["mechanical_tilt_deg"] = list(columns["mechanical_tilt_deg"])
    data["bandwidth_mhz"] = [float("nan") if b is None else b for b in columns["bandwidth_mhz"]]
    data["site_id"] = [str(c or "") for c in columns["site_id"]]
    return Cells(**data)


def cells_from_registry(*, data_dir: Path | None = None, **filters) -> Cells:
    """Start Django on ``data_dir`` and return the radiating cells (used by the CLI)."""
    from rollout5g.platform.bootstrap import setup_django

    setup_django(data_dir)
    return radiating_cells(**filters)
