"""The coverage engine's CELLS.csv of a scenario."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rollout5g.core import csvsafe

from .assumptions import CELLS_CSV_COLUMNS, OPERATORS
from .model import Scenario


def write_cells_csv(
    scenario: Scenario,
    path: str | os.PathLike,
    *,
    band: str | Iterable[str] | None = None,
    operator: str | None = None,
) -> int:
    """Write the scenario's cells as the coverage engine's CELLS.csv; return the number of rows.

    Columns (:data:`CELLS_CSV_COLUMNS`): ``cell_id, lon, lat`` (WGS-84 [degree]), ``height_m`` [m],
    ``azimuth_deg``, ``tilt_deg`` (mechanical + electrical) [degree], ``gain_dbi`` [dBi],
    ``hpbw_h_deg``, ``hpbw_v_deg`` [degree], ``rs_power_dbm`` [dBm], ``freq_mhz`` [MHz], ``band``,
    ``operator`` (the building operator).

    Parameters
    ----------
    band : str or iterable of str, optional
        Keep only these bands (e.g. ``"n78"``).
    operator : str, optional
        Keep the cells that serve this operator's subscribers: the cells it built and the shared cells
        it uses (a China Unicom filter keeps the n78 cells China Telecom built in its counties).
    """
    if operator is not None and operator not in OPERATORS:
        raise ValueError(f"unknown operator {operator!r}; valid: {', '.join(OPERATORS)}")
    bands = None if band is None else ({band} if isinstance(band, str) else set(band))
    rows = 0
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csvsafe.writer(fh)
        writer.writerow(CELLS_CSV_COLUMNS)
        for c in scenario.cells:
            if bands is not None and c.band not in bands:
                continue
            if operator is not None and operator != c.operator and operator not in c.shared_operators:
                continue
            writer.writerow(
                (
                    c.key,
                    f"{c.lon:.6f}",
                    f"{c.lat:.6f}",
                    f"{c.height_m:g}",
                    f"{c.azimuth_deg:g}",
                    f"{c.mechanical_tilt_deg + c.electrical_tilt_deg:g}",
                    f"{c.gain_dbi:g}",
                    f"{c.hpbw_h_deg:g}",
                    f"{c.hpbw_v_deg:g}",
                    f"{c.rs_power_dbm:.2f}",
                    f"{c.freq_mhz:g}",
                    c.band,
                    c.operator,
                )
            )
            rows += 1
    return rows
