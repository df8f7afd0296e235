"""Fixtures of the radio engine tests: small synthetic cell layouts (projected UTM 51N and WGS-84)."""

import numpy as np
import pytest

from rollout5g.core.radio.cells import CELL_COLUMNS, Cells

CRS = "EPSG:32651"
X0, Y0 = 290000.0, 3405000.0  # [m] UTM 51N, near Jiaxing (about 120.8 E, 30.75 N)


def make_cells(n, spread_m, seed, bands=("n78", "n41"), x0=X0, y0=Y0, clusters=None):
    """``(cells, x, y)``: n random three-sector-like cells around (x0, y0) within +-spread_m."""
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    if clusters:
        centers = rng.uniform(-spread_m, spread_m, (clusters, 2))
        k = rng.integers(0, clusters, n)
        x = x0 + centers[k, 0] + rng.normal(0, spread_m / 8, n)
        y = y0 + centers[k, 1] + rng.normal(0, spread_m / 8, n)
    else:
        x = x0 + rng.uniform(-spread_m, spread_m, n)
        y = y0 + rng.uniform(-spread_m, spread_m, n)
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(x, y)
    band = rng.choice(list(bands), n)
    freq = np.where(band == "n78", 3500.0, np.where(band == "n41", 2565.0, 773.0))
    cells = Cells(
        cell_id=[f"C{i:04d}" for i in range(n)],
        lon=lon,
        lat=lat,
        height_m=rng.uniform(18, 45, n),
        azimuth_deg=rng.uniform(0, 360, n),
        tilt_deg=rng.uniform(2, 9, n),
        gain_dbi=rng.uniform(15, 24, n),
        hpbw_h_deg=rng.choice([65.0, 90.0, 30.0], n),
        hpbw_v_deg=rng.choice([6.0, 10.0, 12.0], n),
        rs_power_dbm=rng.uniform(12, 20, n),
        freq_mhz=freq,
        band=band,
        operator=rng.choice(["china_mobile", "china_telecom"], n),
    )
    return cells, x, y


def write_cells_csv(cells, path, extra_rows=()):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CELL_COLUMNS)
        for i in range(len(cells)):
            w.writerow(
                [
                    cells.cell_id[i],
                    f"{cells.lon[i]:.7f}",
                    f"{cells.lat[i]:.7f}",
                    f"{cells.height_m[i]:.2f}",
                    f"{cells.azimuth_deg[i]:.1f}",
                    f"{cells.tilt_deg[i]:.1f}",
                    f"{cells.gain_dbi[i]:.2f}",
                    f"{cells.hpbw_h_deg[i]:g}",
                    f"{cells.hpbw_v_deg[i]:g}",
                    f"{cells.rs_power_dbm[i]:.2f}",
                    f"{cells.freq_mhz[i]:g}",
                    cells.band[i],
                    cells.operator[i],
                ]
            )
        for row in extra_rows:
            w.writerow(row)


@pytest.fixture
def small_layout():
    return make_cells(120, 2500.0, seed=11)
