"""Path loss against hand-computed values of 3GPP TR 38.901 V17.0.0 Table 7.4.1-1 / 7.4.2-1 and
COST-231 Hata (pathloss_reference.csv, source in its header)."""

import csv
from pathlib import Path

import numpy as np
import pytest

from rollout5g.core.radio import pathloss as pl

REF = Path(__file__).with_name("pathloss_reference.csv")


def _rows():
    with REF.open() as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


ROWS = _rows()


def test_reference_covers_every_model_and_mode():
    seen = {(r["model"], r["los_mode"]) for r in ROWS}
    for model in ("uma", "umi", "rma"):
        for mode in ("los", "nlos", "weighted"):
            assert sum(1 for r in ROWS if (r["model"], r["los_mode"]) == (model, mode)) >= 5
            assert (model, mode) in seen
    assert sum(1 for r in ROWS if r["model"] == "cost231") >= 5


@pytest.mark.parametrize(
    "row", ROWS, ids=lambda r: f"{r['model']}-{r['los_mode']}-{r['freq_ghz']}GHz-{r['d2d_m']}m"
)
def test_path_loss_matches_reference(row):
    model = row["model"]
    kw = {"city": row["los_mode"]} if model == "cost231" else {"los_mode": row["los_mode"]}
    got = pl.path_loss(
        float(row["d2d_m"]),
        float(row["freq_ghz"]),
        float(row["h_bs_m"]),
        float(row["h_ut_m"]),
        model=model,
        **kw,
    )
    assert got == pytest.approx(float(row["pl_db"]), abs=0.01), "tolerance 0.01 dB"


def test_reference_has_points_on_both_sides_of_breakpoints():
    for model in ("uma", "umi", "rma"):
        rows = [r for r in ROWS if r["model"] == model and r["los_mode"] == "los"]
        below = above = 0
        for r in rows:
            bp = pl.breakpoint_distance(float(r["freq_ghz"]), float(r["h_bs_m"]), float(r["h_ut_m"]), model)
            below += float(r["d2d_m"]) <= bp
            above += float(r["d2d_m"]) > bp
        assert below >= 2 and above >= 2


def test_hand_value_uma_los_100m():
    # d3D = sqrt(100^2 + 23.5^2) = 102.724 m; PL1 = 28 + 22 log10(102.724) + 20 log10(3.5) = 83.138 dB
    assert pl.uma_los(100.0, 3.5, 25.0, 1.5) == pytest.approx(83.138, abs=0.001), "tolerance 0.001 dB"
    # d'BP = 4 * 24 * 0.5 * 3.5e9 / 3e8 = 560 m
    assert pl.breakpoint_distance(3.5, 25.0, 1.5, "uma") == pytest.approx(560.0, abs=1e-9), "tolerance 1e-9 m"


def test_los_probability_values():
    # Table 7.4.2-1: UMa at 100 m: 18/100 + exp(-100/63) * 0.82
    assert pl.los_probability(100.0, "uma") == pytest.approx(0.18 + np.exp(-100 / 63) * 0.82, abs=1e-12), (
        "tol 1e-12"
    )
    assert pl.los_probability(10.0, "umi") == 1.0
    assert pl.los_probability(1010.0, "rma") == pytest.approx(np.exp(-1.0), abs=1e-12), "tolerance 1e-12"
    assert pl.los_probability(500.0, "cost231") == 0.0


def test_unknown_names_raise_listing_valid_ones():
    with pytest.raises(ValueError, match="uma, umi, rma, cost231"):
        pl.path_loss(100.0, 3.5, 25.0, model="hata")
    with pytest.raises(ValueError, match="los, nlos, weighted"):
        pl.path_loss(100.0, 3.5, 25.0, los_mode="mixed")
    with pytest.raises(ValueError, match="medium, metropolitan"):
        pl.path_loss(100.0, 1.8, 30.0, model="cost231", city="rural")


def test_frequency_outside_validity_raises_unless_extrapolated():
    with pytest.raises(ValueError, match="validity range 0.5-100 GHz"):
        pl.path_loss(100.0, 0.3, 25.0, model="uma")
    with pytest.raises(ValueError, match="0.5-30 GHz"):
        pl.path_loss(100.0, 40.0, 35.0, model="rma")
    with pytest.raises(ValueError, match="1.5-2 GHz"):
        pl.path_loss(1000.0, 3.5, 30.0, model="cost231")
    assert np.isfinite(pl.path_loss(1000.0, 3.5, 30.0, model="cost231", extrapolate=True))


def test_scalars_arrays_and_nan():
    d = np.array([5.0, 10.0, 250.0, np.nan])
    out = pl.path_loss(d, 3.5, 25.0)
    assert isinstance(out, np.ndarray) and out.shape == (4,)
    assert out[0] == pytest.approx(out[1], abs=1e-12), "d2D clamped to 10 m; tolerance 1e-12 dB"
    assert np.isnan(out[3])
    assert isinstance(pl.path_loss(100.0, 3.5, 25.0), float)


@pytest.mark.parametrize("model", ["uma", "umi", "rma", "cost231"])
def test_kernel_coefficients_reproduce_the_formulas(model):
    """The regrouped coefficient form used by the kernels equals the literal formulas (float64)."""
    rng = np.random.default_rng(5)
    f = {"uma": 3.5, "umi": 2.565, "rma": 0.773, "cost231": 1.8}[model]
    hb = rng.uniform(15, 45, 50)
    d = np.exp(rng.uniform(np.log(1.0), np.log(30000.0), 50))
    coef = pl.kernel_coefficients(np.full(50, f), hb, 1.5, model=model)
    dbp2, a1, b1, c1, a2, b2, a3, b3 = coef.T
    d2c = np.maximum(d, 10.0) ** 2
    d3sq = d2c + (hb - 1.5) ** 2
    lg = 0.5 * np.log10(d2c if model == "cost231" else d3sq)
    los = np.where(d2c <= dbp2, a1 + b1 * lg + c1 * np.sqrt(d3sq), a2 + b2 * lg)
    nlos = np.maximum(los, a3 + b3 * lg)
    modes = ["los"] if model == "cost231" else ["los", "nlos"]
    for mode, got in zip(modes, (los, nlos), strict=False):
        ref = pl.path_loss(d, f, hb, 1.5, model=model, los_mode=mode)
        np.testing.assert_allclose(got, ref, atol=1e-9, err_msg="tolerance 1e-9 dB")


@pytest.mark.parametrize("model", ["uma", "umi", "rma", "cost231"])
@pytest.mark.parametrize("mode", ["los", "nlos", "weighted"])
def test_path_loss_is_nondecreasing_in_distance(model, mode):
    """The culling bound (docs/radio-model.md) relies on PL(d) being non-decreasing (up to 0.05 dB)."""
    f = {"uma": 3.5, "umi": 3.5, "rma": 3.5, "cost231": 1.8}[model]
    d = np.linspace(10.0, 40000.0, 200001)
    for hb in (10.0, 25.0, 35.0, 60.0):
        p = pl.path_loss(d, f, hb, model=model, los_mode=mode)
        assert np.min(np.diff(p)) > -0.05, "tolerance 0.05 dB (BOUND_MARGIN_DB is 0.5 dB)"
