"""The synthetic Jiaxing scenario (rollout5g.core.scenario) and its key-area data.

Targets checked come from the Jiaxing opinions (嘉兴市加快推进5G产业发展实施意见, 2019) 一(二): more than
1,000 / 4,000 / 8,000 5G base stations at the end of 2019 / 2020 / 2021. Radio values are checked against
hand-computed numbers (3GPP TS 38.101-1 Table 5.3.2-1 for N_RB).
"""

import csv
import datetime as dt
import math
from collections import Counter, defaultdict

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from rollout5g.core import scenario as sc


@pytest.fixture(scope="module")
def scenarios():
    return {year: sc.generate_jiaxing(year) for year in sc.VALID_YEARS}


@pytest.fixture(scope="module")
def s2021(scenarios):
    return scenarios[2021]


@pytest.fixture(scope="module")
def bounds():
    return sc.load_jiaxing_boundaries()


def _on_air(scenario):
    return [s for s in scenario.sites if s.state in ("on_air", "relocating")]


def _xy_km(sites):
    lon = np.array([s.lon for s in sites])
    lat = np.array([s.lat for s in sites])
    return lon * 111.320 * math.cos(math.radians(30.7)), lat * 110.574


# ------------------------------------------------------------------------------------ year / seed


@pytest.mark.parametrize("year", [2018, 2022, 1, "2021", 2021.0, True])
def test_unknown_year_raises_listing_valid_years(year):
    with pytest.raises(ValueError, match="2019, 2020, 2021"):
        sc.generate_jiaxing(year)


def test_same_year_and_seed_is_identical_even_after_cache_clear():
    a = sc.generate_jiaxing(2020, seed=7)
    sc._world.cache_clear()
    sc.load_places.cache_clear()
    b = sc.generate_jiaxing(2020, seed=7)
    assert a == b  # exact equality of every dataclass field
    c = sc.generate_jiaxing(2020, seed=8)
    assert [s.lon for s in c.sites[:50]] != [s.lon for s in a.sites[:50]]


# ----------------------------------------------------------------------------------------- counts


@pytest.mark.parametrize("year,low,high", [(2019, 1000, 1300), (2020, 4000, 4800), (2021, 8000, 9000)])
def test_yearly_base_station_counts_exceed_the_opinions_targets(scenarios, year, low, high):
    n = scenarios[year].base_station_count()
    # strictly above the target ("超1000个", "超4000个", "突破8000个"), and tracking it: at most ~+30 %
    assert low < n <= high
    assert sc.YEAR_TARGETS[year] == low


def test_counts_of_earlier_dates_agree_between_snapshots(scenarios, s2021):
    for year in (2019, 2020):
        end = dt.date(year, 12, 31)
        # the 2021 snapshot drops cells of sites retired since: the counts differ by < 1 %
        assert s2021.base_station_count(end) == pytest.approx(scenarios[year].base_station_count(), rel=0.01)
    on_2019 = {s.key: (s.lon, s.lat, s.on_air_date) for s in _on_air(scenarios[2019])}
    later = {s.key: (s.lon, s.lat, s.on_air_date) for s in s2021.sites}
    assert all(later[k] == v for k, v in on_2019.items())


def test_2021_has_about_24000_nr_cells_three_per_outdoor_gnb(s2021):
    assert 22_000 <= len(s2021.cells) <= 27_000  # "about 24,000" (±~10 %)
    per_layer = Counter((c.site_key, c.operator, c.band) for c in s2021.cells)
    types = {s.key: s.site_type for s in s2021.sites}
    for (site_key, _, _), n in per_layer.items():
        assert n == (1 if types[site_key] in ("indoor", "small_cell") else 3)


def test_counts_per_county_cover_all_seven_counties(scenarios):
    for scenario in scenarios.values():
        per_county = scenario.base_station_count_by_county()
        assert set(per_county) == set(sc.COUNTIES)
        assert all(n > 0 for n in per_county.values()), per_county
        assert sum(per_county.values()) == scenario.base_station_count()
        assert all(n > 0 for n in scenario.site_count_by_county().values())


def test_a_shared_gnb_counts_once_for_its_builder(s2021):
    n78 = Counter((c.site_key, c.operator) for c in s2021.cells if c.band == "n78")
    by_site = defaultdict(set)
    for site_key, op in n78:
        by_site[site_key].add(op)
    # one n78 builder per site, and the partner is served through sharing, not by a second gNB
    assert all(len(ops) == 1 for ops in by_site.values())
    gnbs = {(c.site_key, c.operator) for c in s2021.cells}
    assert s2021.base_station_count() == len(gnbs)
    shared = [s for s in s2021.sites if {"china_telecom", "china_unicom"} <= set(s.operators)]
    assert len(shared) > 1000


# ------------------------------------------------------------------------------------ geography


def test_every_site_and_planned_site_is_inside_jiaxing_and_its_county(s2021, bounds):
    for items in (s2021.sites, s2021.planned_sites):
        lon = np.array([s.lon for s in items])
        lat = np.array([s.lat for s in items])
        assert shapely.contains_xy(bounds[sc.JIAXING_ADCODE], lon, lat).all()
        county = np.array([s.county_adcode for s in items])
        for adcode in sc.COUNTIES:
            sel = county == adcode
            assert shapely.contains_xy(bounds[adcode], lon[sel], lat[sel]).all(), adcode


def test_places_lie_in_their_own_county(bounds):
    places = sc.load_places()
    assert len(places) >= 70
    for p in places:
        assert bounds[p["county"]].contains(shapely.Point(p["lon"], p["lat"])), p["name"]
    counties = {p["county"] for p in places}
    assert counties == set(sc.COUNTIES)


def test_city_core_is_densest(s2021):
    sites = _on_air(s2021)
    x, y = _xy_km(sites)
    places = sc.load_places()

    def within(lon, lat, r_km=2.0):
        px = lon * 111.320 * math.cos(math.radians(30.7))
        py = lat * 110.574
        return int((((x - px) ** 2 + (y - py) ** 2) < r_km**2).sum())

    city = within(120.757, 30.752)
    county_cores = {}
    for p in places:
        if p["kind"] == "county_core":
            county_cores[p["name"]] = within(p["lon"], p["lat"])
    towns = [within(p["lon"], p["lat"]) for p in places if p["kind"] == "town"]
    assert city > max(county_cores.values()) > max(towns)

    # nearest-neighbour spacing: city core (2 km around the centre) vs town centres (2 km around each)
    def nn_median(mask):
        px, py = x[mask], y[mask]
        d = np.hypot(px[:, None] - px[None, :], py[:, None] - py[None, :])
        np.fill_diagonal(d, np.inf)
        return float(np.median(d.min(axis=1)))

    cx, cy = 120.757 * 111.320 * math.cos(math.radians(30.7)), 30.752 * 110.574
    city_nn = nn_median(np.hypot(x - cx, y - cy) < 2.0)
    town_mask = np.zeros(x.size, bool)
    for p in places:
        if p["kind"] == "town":
            tx, ty = p["lon"] * 111.320 * math.cos(math.radians(30.7)), p["lat"] * 110.574
            town_mask |= np.hypot(x - tx, y - ty) < 2.0
    town_nn = nn_median(town_mask)
    # a hard-core layout of inter-site distance 300-500 m has nearest neighbours at ~0.2-0.45 km
    assert 0.15 <= city_nn <= 0.45
    assert town_nn > 1.8 * city_nn


def test_early_years_build_the_2019_key_areas_first(scenarios):
    kinds = {p["name"]: p["kind"] for p in sc.load_places()}
    first_goals = {"city_core", "county_core"}

    def share(scenario):
        sites = _on_air(scenario)
        hit = sum(1 for s in sites if kinds[s.place] in first_goals or s.place in ("乌镇镇", "南湖景区"))
        return hit / len(sites)

    assert share(scenarios[2019]) > 0.8
    assert share(scenarios[2019]) > share(scenarios[2021]) + 0.2
    wuzhen_2019 = sum(1 for s in _on_air(scenarios[2019]) if s.place == "乌镇镇")
    assert wuzhen_2019 >= 20


# ----------------------------------------------------------------------------------- radio data


def test_heights_by_site_type(s2021):
    ranges = {t: sc.HEIGHT_RANGE_M[t][:2] for t in sc.SITE_TYPES}
    assert ranges["macro_tower"] == (20.0, 45.0)
    assert ranges["rooftop"] == (15.0, 40.0)
    assert ranges["street_pole"] == ranges["smart_pole"] == (8.0, 15.0)
    for s in s2021.sites:
        low, high = ranges[s.site_type]
        assert low <= s.height_m <= high, s
    heights = {s.key: s.height_m for s in s2021.sites}
    assert all(c.height_m == heights[c.site_key] for c in s2021.cells)


def test_tilts_and_azimuths(s2021):
    types = {s.key: s.site_type for s in s2021.sites}
    sectors = defaultdict(list)
    for c in s2021.cells:
        assert 0.0 <= c.azimuth_deg < 360.0
        assert c.mechanical_tilt_deg >= 0 and c.electrical_tilt_deg >= 0
        if types[c.site_key] in ("indoor", "small_cell"):
            continue
        assert 3.0 <= c.tilt_deg <= 10.0, c
        assert c.mechanical_tilt_deg <= 4.0
        sectors[(c.site_key, c.operator, c.band)].append(c.azimuth_deg)
    gaps = []
    for az in sectors.values():
        az = sorted(az)
        gaps += [az[1] - az[0], az[2] - az[1], 360.0 - az[2] + az[0]]
    gaps = np.array(gaps)
    # 120° apart with N(0, 10°) jitter per sector: gaps within 120 ± 60° (> 4 sigma of the difference)
    assert gaps.min() > 60.0 and gaps.max() < 180.0
    assert abs(gaps.mean() - 120.0) < 0.01
    assert 11.0 < gaps.std() < 20.0  # sqrt(2)·10° = 14.1°


def test_pci_distinct_within_each_site(s2021):
    per_site = defaultdict(list)
    for c in s2021.cells:
        assert 0 <= c.pci <= 1007
        per_site[c.site_key].append(c.pci)
    assert all(len(p) == len(set(p)) for p in per_site.values())


def test_ssb_epre_hand_values():
    # 200 W over 273 PRB x 12 = 3276 REs: 10·log10(200000 / 3276) = 17.857 dBm (tolerance 1e-3 dB)
    assert sc.ssb_epre_dbm(200.0, 273) == pytest.approx(17.857, abs=1e-3)
    # 100 W over 160 PRB x 12 = 1920 REs: 10·log10(100000 / 1920) = 17.167 dBm (tolerance 1e-3 dB)
    assert sc.ssb_epre_dbm(100.0, 160) == pytest.approx(17.167, abs=1e-3)
    out = sc.ssb_epre_dbm(np.array([200.0, 40.0]), 273)
    assert out.shape == (2,) and out[0] - out[1] == pytest.approx(10 * math.log10(5), abs=1e-9)
    with pytest.raises(ValueError):
        sc.ssb_epre_dbm(0.0, 273)


def test_rs_power_consistent_with_total_power(s2021):
    n_rb = {(op, c.band): c.n_rb for (op, _), c in sc.CARRIERS.items()}
    for c in s2021.cells:
        expected = 10 * math.log10(c.total_power_w * 1000 / (12 * n_rb[(c.operator, c.band)]))
        assert c.rs_power_dbm == pytest.approx(expected, abs=0.005)  # rounded to 0.01 dB


def test_band_plans_per_operator(scenarios, s2021):
    plan = {
        ("china_mobile", "n41"): (2565.0, 100.0),
        ("china_telecom", "n78"): (3450.0, 100.0),
        ("china_unicom", "n78"): (3550.0, 100.0),
        ("china_mobile", "n28"): (773.0, 30.0),
    }
    types = {s.key: s.site_type for s in s2021.sites}
    for c in s2021.cells:
        assert (c.freq_mhz, c.bandwidth_mhz) == plan[(c.operator, c.band)]
        assert c.technology == "NR"
        if c.band == "n78":
            assert c.shared_operators == (sc._PARTNER[c.operator],)
        if c.band == "n28":
            assert c.shared_operators == ("china_broadnet",)
            assert 80.0 <= c.total_power_w <= 120.0
            assert c.on_air_date.year >= 2021
        elif types[c.site_key] in ("macro_tower", "rooftop"):
            assert c.total_power_w == 200.0
            assert 15.0 <= c.gain_dbi <= 18.0 and 6.0 <= c.hpbw_v_deg <= 10.0 and c.hpbw_h_deg == 65.0
        elif types[c.site_key] in ("street_pole", "smart_pole"):
            assert c.total_power_w < 200.0
    assert not any(c.band == "n28" for c in scenarios[2020].cells)
    assert 300 <= sum(c.band == "n28" for c in s2021.cells) <= 3000


# ---------------------------------------------------------------------------------- lifecycle


def test_states_dates_and_plans(scenarios):
    for year, scenario in scenarios.items():
        end = dt.date(year, 12, 31)
        keys = [s.key for s in scenario.sites]
        assert len(keys) == len(set(keys))
        assert len({c.key for c in scenario.cells}) == len(scenario.cells)
        states = Counter(s.state for s in scenario.sites)
        assert set(states) <= set(sc.SITE_STATES)
        for s in scenario.sites:
            assert s.owner in ("china_tower", *sc.OPERATORS)
            assert set(s.operators) <= set(sc.OPERATORS) and s.operators
            assert s.power_supply in ("direct", "transfer")
            if s.state in ("on_air", "relocating", "retired"):
                assert s.on_air_date <= end
            else:
                assert s.on_air_date is None and s.planned_year == year + 1
        retired = {s.key for s in scenario.sites if s.state == "retired"}
        assert not any(c.site_key in retired for c in scenario.cells)
        assert all(c.on_air_date <= end for c in scenario.cells)
        assert all(year < p.planned_year <= 2025 for p in scenario.planned_sites)
    s2021 = scenarios[2021]
    states = Counter(s.state for s in s2021.sites)
    assert 0 < states["relocating"] + states["retired"] < 100  # a handful
    for state in ("planned", "applied", "approved", "building"):
        assert states[state] > 0
    plan_years = Counter(p.planned_year for p in s2021.planned_sites)
    assert set(plan_years) == {2022, 2023, 2024, 2025}
    unpublished = [p for p in s2021.planned_sites if not p.published]
    assert unpublished and all(p.planned_year >= 2024 for p in unpublished)


def test_on_air_dates_build_up_over_the_year(s2021):
    dates = [s.on_air_date for s in _on_air(s2021)]
    by_half = Counter((d.year, d.month > 6) for d in dates)
    for year in (2020, 2021):
        assert by_half[(year, True)] > by_half[(year, False)]  # the second half builds more
    assert min(dates) >= dt.date(2019, 4, 1)


def test_sharing_and_power_supply_trends(scenarios, s2021):
    macro = [s for s in s2021.sites if s.site_type == "macro_tower"]
    assert sum(s.owner == "china_tower" for s in macro) / len(macro) > 0.85
    assert sum(len(s.operators) > 1 for s in macro) / len(macro) > 0.5

    def transfer_share(scenario):
        sites = _on_air(scenario)
        return sum(s.power_supply == "transfer" for s in sites) / len(sites)

    assert transfer_share(scenarios[2019]) > 0.4
    assert transfer_share(scenarios[2019]) > transfer_share(scenarios[2020]) > transfer_share(scenarios[2021])


def test_site_names_keys_and_addresses(s2021):
    s = s2021.sites[0]
    assert s.key.startswith(f"JX-{s.county_adcode}-") and len(s.key) == len("JX-330402-00017")
    county = sc.COUNTIES[s.county_adcode]
    assert s.name.startswith(county + "-")
    for site in s2021.sites[:500]:
        assert site.address.startswith("嘉兴市" + sc.COUNTIES[site.county_adcode] + site.place)
    cell = s2021.cells[0]
    assert cell.key.startswith(cell.site_key + "-") and cell.key.split("-")[-2] in ("n41", "n78", "n28")


# --------------------------------------------------------------------------------------- CSV


def test_write_cells_csv_columns_and_filters(s2021, tmp_path):
    path = tmp_path / "CELLS.csv"
    n = sc.write_cells_csv(s2021, path)
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "cell_id",
        "lon",
        "lat",
        "height_m",
        "azimuth_deg",
        "tilt_deg",
        "gain_dbi",
        "hpbw_h_deg",
        "hpbw_v_deg",
        "rs_power_dbm",
        "freq_mhz",
        "band",
        "operator",
    ]
    assert n == len(rows) - 1 == len(s2021.cells)
    first = s2021.cells[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["cell_id"] == first.key
    assert float(row["tilt_deg"]) == first.mechanical_tilt_deg + first.electrical_tilt_deg
    assert float(row["rs_power_dbm"]) == pytest.approx(first.rs_power_dbm, abs=0.005)
    assert float(row["lon"]) == pytest.approx(first.lon, abs=1e-6)

    n78 = sc.write_cells_csv(s2021, tmp_path / "n78.csv", band="n78")
    assert n78 == sum(c.band == "n78" for c in s2021.cells)
    cu = sc.write_cells_csv(s2021, tmp_path / "cu.csv", operator="china_unicom", band="n78")
    with open(tmp_path / "cu.csv", encoding="utf-8") as fh:
        ops = Counter(r["operator"] for r in csv.DictReader(fh))
    # China Unicom subscribers use the n78 cells both co-builders built
    assert cu == n78 and ops["china_telecom"] > 0 and ops["china_unicom"] > 0
    with pytest.raises(ValueError, match="china_mobile"):
        sc.write_cells_csv(s2021, tmp_path / "x.csv", operator="cmcc")


# ---------------------------------------------------------------------------------- key areas

CATEGORIES = {
    "city_core",
    "science_city",
    "hsr_new_town",
    "scenic",
    "venue",
    "transport_hub",
    "expressway",
    "port",
    "development_zone",
    "school",
    "hospital",
    "county_core",
    "town",
}
AREA_TYPES = {"市本级主城区", "乌镇镇区", "县（市）重点区域", "县（市）城区", "部分镇区", "重点区域"}


def test_key_areas_are_valid_inside_jiaxing_with_required_properties(bounds, tmp_path):
    doc = sc.load_key_areas()
    assert doc["type"] == "FeatureCollection"
    city = bounds[sc.JIAXING_ADCODE].buffer(1e-6)
    names = set()
    for f in doc["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid and not geom.is_empty, p[
            "name"
        ]
        assert city.covers(geom), p["name"]
        assert p["category"] in CATEGORIES and p["area_type"] in AREA_TYPES
        assert p["county_adcode"] in {*sc.COUNTIES, sc.JIAXING_ADCODE}
        assert p["coverage_rsrp_min_dbm"] == -105
        assert 0.8 <= p["coverage_share_target"] <= 1.0
        assert p["approximate"] is True and "hand-drawn" in p["source"]
        assert p["name_en"]
        due = {
            "市本级主城区": 2019,
            "乌镇镇区": 2019,
            "县（市）重点区域": 2019,
            "县（市）城区": 2020,
            "部分镇区": 2020,
            "重点区域": 2021,
        }[p["area_type"]]
        assert p["due_year"] == due, p["name"]
        names.add(p["name"])
    required = [
        "市本级主城区",
        "嘉兴科技城",
        "高铁新城",
        "南湖景区",
        "七一广场",
        "嘉兴国际会展中心",
        "乌镇世界互联网大会会址",
        "乌镇镇区",
        "嘉兴站",
        "嘉兴南站",
        "海宁",
        "桐乡站",
        "嘉善南站",
        "高速",
        "快速路",
        "汽车",
        "乍浦港区",
        "独山港区",
        "嘉兴经济技术开发区",
        "秀洲国家高新区",
        "海宁经济开发区",
        "嘉善经济技术开发区",
        "平湖经济技术开发区",
        "学",
        "医院",
    ]
    for word in required:
        assert any(word in n for n in names), word
    cats = Counter(f["properties"]["category"] for f in doc["features"])
    assert cats["county_core"] == 5 and cats["school"] >= 3 and cats["hospital"] >= 3
    out = sc.write_key_areas_geojson(tmp_path / "areas.geojson")
    assert sc.load_key_areas(out) == doc
