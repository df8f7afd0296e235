"""Cells of the site registry as the coverage engine's arrays (the ``rollout5g coverage`` command without
``--cells``, and the web coverage job)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rollout5g.core.radio.cells import Cells


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
    rows = list(
        qs.order_by("cell_id").values_list(
            "cell_id", "site__lon", "site__lat", "height_m", "azimuth_deg", "mechanical_tilt_deg",
            "electrical_tilt_deg", "gain_dbi", "hpbw_h_deg", "hpbw_v_deg", "rs_power_dbm", "freq_mhz", "band",
            "operator__code", "bandwidth_mhz", "site__code",
        )
    )
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(16)]
    (cell_id, lon, lat, height, azimuth, mtilt, etilt, gain, hpbw_h, hpbw_v, rs, freq, bands, ops, bw, site) = columns
    return Cells(
        cell_id=list(cell_id), lon=list(lon), lat=list(lat), height_m=list(height), azimuth_deg=list(azimuth),
        tilt_deg=[m + e for m, e in zip(mtilt, etilt, strict=True)], gain_dbi=list(gain), hpbw_h_deg=list(hpbw_h),
        hpbw_v_deg=list(hpbw_v), rs_power_dbm=list(rs), freq_mhz=list(freq), band=list(bands), operator=list(ops),
        mechanical_tilt_deg=list(mtilt), bandwidth_mhz=[float("nan") if b is None else b for b in bw],
        site_id=[str(c or "") for c in site],
    )


def cells_from_registry(*, data_dir: Path | None = None, **filters) -> Cells:
    """Start Django on ``data_dir`` and return the radiating cells (used by the CLI)."""
    from rollout5g.platform.bootstrap import setup_django

    setup_django(data_dir)
    return radiating_cells(**filters)
