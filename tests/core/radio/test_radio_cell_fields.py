"""The one cell field specification (rollout5g.core.radio.cells.CELL_FIELDS) drives CELLS.csv, the registry reader
and the cells API schema; a schema that drifts from it fails."""

import datetime as dt

import pytest

from rollout5g.core.radio import cells


def test_cells_csv_contract_comes_from_the_specification():
    assert cells.CELL_COLUMNS == ("cell_id", "lon", "lat", "height_m", "azimuth_deg", "tilt_deg", "gain_dbi",
                                  "hpbw_h_deg", "hpbw_v_deg", "rs_power_dbm", "freq_mhz", "band", "operator")
    assert set(cells.OPTIONAL_COLUMNS) == {"a_m_db", "sla_v_db", "mechanical_tilt_deg", "bandwidth_mhz", "arfcn",
                                           "site_id"}
    assert cells._RANGES["height_m"] == (0.5, 500.0)
    for f in cells.CELL_FIELDS:
        assert f.type in {"float", "int", "str", "date"}
        assert f.label_zh and f.description
        assert (f.low is None) == (f.high is None)
        if f.low is not None:
            assert f.low < f.high


def test_every_field_is_named_once():
    names = [f.name for f in cells.CELL_FIELDS]
    assert len(names) == len(set(names))


def test_the_api_fields_and_their_types():
    fields = cells.api_fields()
    assert "site" in fields and "site_id" not in fields  # the API names the site by its code as "site"
    assert "tilt_deg" not in fields and "lon" not in fields
    assert fields["pci"].nullable and not fields["rs_power_dbm"].nullable


def test_a_schema_that_drifts_fails():
    good = {name: (float if f.type == "float" else int if f.type == "int" else str if f.type == "str" else dt.date)
            for name, f in cells.api_fields().items()}
    good = {k: (v | None if cells.api_fields()[k].nullable else v) for k, v in good.items()}
    cells.check_schema(good, what="test")
    with pytest.raises(RuntimeError, match=r"missing \['pci'\]"):
        cells.check_schema({k: v for k, v in good.items() if k != "pci"}, what="test")
    with pytest.raises(RuntimeError, match=r"not in the specification \['colour'\]"):
        cells.check_schema({**good, "colour": str}, what="test")
    with pytest.raises(RuntimeError, match=r"other type \['height_m: str \(spec float\)'\]"):
        cells.check_schema({**good, "height_m": str}, what="test")


def test_the_registry_paths_name_stored_fields():
    paths = {f.name: f.registry for f in cells.CELL_FIELDS if f.registry}
    assert paths["lon"] == "site__lon" and paths["operator"] == "operator__code" and paths["site_id"] == "site__code"
    assert "tilt_deg" not in paths  # the registry stores mechanical and electrical tilt; the total is their sum
