"""The scenario of a city other than the default: places derived from its county polygons, every site inside its
county, keys and addresses of that city, and the default city unchanged by the generalisation."""

import shapely

from rollout5g.core import scenario as sc

ZHOUSHAN = "330900"  # the smallest city of the shipped boundaries by county count (4)


def test_another_city_tiny_scenario_lies_in_its_counties():
    s = sc.generate(2021, region=ZHOUSHAN, size="tiny")
    name, counties, bounds = sc.load_city_boundaries(ZHOUSHAN)
    assert s.region == ZHOUSHAN and set(s.counties) == set(counties) and len(counties) == 4
    assert s.sites and s.cells
    for site in s.sites:
        assert site.county_adcode in counties
        assert site.key.startswith(f"C3309-{site.county_adcode}-")
        assert site.address.startswith(name + counties[site.county_adcode])
        assert shapely.contains_xy(bounds[site.county_adcode].buffer(1e-6), site.lon, site.lat)
    # tiny = 2 % of the plan: 8300 gNBs by 2021 → about 166 (±1.5 % jitter, then the plan's cut)
    assert 150 <= s.base_station_count() <= 175
    assert set(s.base_station_count_by_county()) == set(counties)


def test_a_city_not_in_the_boundaries_and_an_unknown_size_are_refused():
    import pytest

    with pytest.raises(ValueError, match="no city"):
        sc.generate(2021, region="110100", size="tiny")
    with pytest.raises(ValueError, match="size"):
        sc.generate(2021, size="huge")


def test_default_city_is_the_hand_placed_one():
    s = sc.generate(2019, size="tiny")
    assert s.region == sc.JIAXING_ADCODE and all(x.key.startswith("JX-") for x in s.sites)
    assert s.counties == tuple(sc.COUNTIES)
