"""The province's organizations from the data table (issue 15 item 5): each city's counterpart units generated from
data/city_units.yaml, Jiaxing's hand-checked entries kept, collective terms expanding per city."""

import json
import textwrap
from pathlib import Path

import pytest
import yaml

import rollout5g
from rollout5g.policy.directory import (
    GENERATED_NOTE,
    bundled_directory,
    check_document,
    city_table,
    city_units,
    city_units_document,
    counterpart,
)
from rollout5g.policy.schema import parse_policy_text

BOUNDARIES = Path(rollout5g.__file__).parent / "regions" / "data" / "zhejiang_admin.geojson"
JIAXING, HUZHOU, ZHOUSHAN = "330400", "330500", "330900"


@pytest.fixture(scope="module")
def cities():
    """{city adcode: (name, {county adcode: name})} of the shipped boundaries."""
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    out = {}
    for f in features:
        p = f["properties"]
        if p.get("level") == "city":
            out.setdefault(str(p["adcode"]), [None, {}])[0] = p["name"]
    for f in features:
        p = f["properties"]
        if p.get("level") == "county":
            out[str(p["parent_adcode"])][1][str(p["adcode"])] = p["name"]
    return {k: tuple(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def base():
    return bundled_directory()


def units_of(cities, adcode, base):
    name, counties = cities[adcode]
    return city_units(adcode, name, counties, base=base)


def test_the_table_covers_every_city_of_the_boundaries(cities):
    assert set(city_table()["cities"]) == set(cities) and len(cities) == 11
    prefixes = [c["prefix"] for c in city_table()["cities"].values()]
    assert len(set(prefixes)) == len(prefixes)


def test_jiaxing_keeps_its_hand_checked_units_and_codes(cities, base):
    units = units_of(cities, JIAXING, base)
    assert units.generated == frozenset() and units.generated_terms == frozenset()
    # the table's patterns give Jiaxing's existing codes, so tests and the demo keep jx-dei, jx-mobile, …
    for key, code in {"dei": "jx-dei", "nrp": "jx-nrp", "housing": "jx-housing", "police": "jx-police",
                      "power": "jx-power", "mobile": "jx-mobile", "telecom": "jx-telecom", "unicom": "jx-unicom",
                      "tower": "jx-tower", "broadnet": "jx-broadnet", "gov": "jx-gov"}.items():
        assert units.by_key[key] == code
        assert units.organizations[[o.code for o in units.organizations].index(code)] == base.organization(code)
    assert units.by_key["330402:gov"] == "jx-nanhu-gov"  # county governments by region and kind
    assert {o.code for o in units.organizations} <= {o.code for o in base.organizations}
    assert city_units_document(units) == {"organizations": [], "groups": []}


def test_another_citys_units_follow_the_common_pattern_and_are_marked(cities, base):
    units = units_of(cities, HUZHOU, base)
    by_code = {o.code: o for o in units.organizations}
    dei = by_code["hu-dei"]
    assert (dei.name, dei.short_name, dei.region, dei.parent) == ("湖州市经济和信息化局", "湖州市经信局", HUZHOU, "hu-gov")
    assert by_code["hu-mobile"].name == "中国移动通信集团浙江有限公司湖州分公司"
    assert by_code["hu-mobile"].parent == "zj-mobile" and by_code["hu-power"].parent == "zj-power"
    assert by_code["hu-330502-gov"].name == "湖州市吴兴区人民政府"  # a district: with the city's name
    assert by_code["hu-330521-gov"].name == "德清县人民政府"
    assert units.generated == set(by_code) and all(o.notes == GENERATED_NOTE for o in by_code.values())
    counties = set(cities[HUZHOU][1])
    assert {o.region for o in units.organizations} == {HUZHOU} | counties
    assert {o.region for o in units.organizations if o.kind == "government" and o.code != "hu-gov"} == counties


def test_collective_terms_expand_per_city(cities, base):
    extra_orgs, extra_groups = [], []
    for adcode in (HUZHOU, ZHOUSHAN):
        units = units_of(cities, adcode, base)
        extra_orgs += [o for o in units.organizations if o.code in units.generated]
        extra_groups += [g for g in units.groups if g.term in units.generated_terms]
    directory = base.extended(extra_orgs, extra_groups)
    counties = directory.resolve("各县（市、区）政府", region=HUZHOU)
    assert counties.group_term == "各县（市、区）政府"
    assert counties.codes == [f"hu-{c}-gov" for c in sorted(cities[HUZHOU][1])] and len(counties.codes) == 5
    assert directory.resolve("各通信运营商", region=ZHOUSHAN).codes == ["zs-mobile", "zs-telecom", "zs-unicom"]
    assert directory.resolve("各县(市、区)人民政府", region=ZHOUSHAN).codes[0] == "zs-330902-gov"
    named = directory.resolve("市级各有关部门（单位）", region=HUZHOU)
    assert named.is_named_group and directory.group("市级各有关部门（单位）", region=HUZHOU).region == HUZHOU
    # without a region (or for a region without its own group): the group defined first, Jiaxing's
    assert directory.resolve("各通信运营商").codes == ["jx-mobile", "jx-telecom", "jx-unicom"]
    assert directory.resolve("各通信运营商", region="330000").codes == ["jx-mobile", "jx-telecom", "jx-unicom"]
    assert [g.region for g in directory.groups_of_term("各通信运营商")] == [JIAXING, HUZHOU, ZHOUSHAN]


def test_the_whole_province_directory_has_no_conflicting_spelling(cities, base):
    extra_orgs, extra_groups = [], []
    for adcode in cities:
        units = units_of(cities, adcode, base)
        extra_orgs += [o for o in units.organizations if o.code in units.generated]
        extra_groups += [g for g in units.groups if g.term in units.generated_terms]
    directory = base.extended(extra_orgs, extra_groups)  # raises on a spelling naming two units
    assert len(directory.organizations) == len(base.organizations) + len(extra_orgs)
    governments = [o for o in directory.organizations if o.kind == "government" and o.region not in ("330000",)
                   and o.region not in cities]
    assert len(governments) == sum(len(c) for _, c in cities.values())  # every county-level region has one
    assert len(directory.groups_of_term("各县（市、区）政府")) == 11


def test_a_city_document_resolves_collective_terms_to_its_own_units(cities, base):
    units = units_of(cities, HUZHOU, base)
    file_text = yaml.safe_dump(city_units_document(units), allow_unicode=True, sort_keys=False)
    assert parse_policy_text(file_text).data.organizations[0].code == "hu-gov"  # a valid policy data file
    directory = base.extended([o for o in units.organizations if o.code in units.generated],
                              [g for g in units.groups if g.term in units.generated_terms])
    document = textwrap.dedent("""\
        document:
          key: huzhou-test
          title: 湖州市测试文件
          short_title: 测试
          level: city
          region: "330500"
          source_file: test.txt
          period_start: 2020
          period_end: 2022
        tasks:
          - number: "1"
            title: 站址规划
            title_en: Site plan
            text: 各县（市、区）政府负责。
            lead_units: [湖州市经信局]
            supporting_units: [各通信运营商, 湖州铁塔]
        """)
    assert check_document(parse_policy_text(document), directory) == []
    assert check_document(parse_policy_text(document.replace("湖州铁塔", "湖州塔")), directory)


def test_counterparts_of_provincial_units(cities, base):
    huzhou = units_of(cities, HUZHOU, base)
    assert counterpart("zj-dei", huzhou) == "hu-dei"
    assert counterpart("zj-housing", huzhou) == "hu-housing"
    assert counterpart("zj-dei", units_of(cities, JIAXING, base)) == "jx-dei"
    assert counterpart("zj-cac", huzhou) is None


def test_a_citys_units_file_for_load_policy(capsys, cities):
    """`python -m rollout5g.policy.directory 330500` prints a valid policy data file of Huzhou's generated units."""
    from rollout5g.policy.directory import boundary_cities, main

    assert boundary_cities() == cities
    assert main([HUZHOU]) == 0
    parsed = parse_policy_text(capsys.readouterr().out).data
    assert len(parsed.organizations) == 21 + len(cities[HUZHOU][1]) and len(parsed.groups) == 3
    assert all(o.notes == GENERATED_NOTE for o in parsed.organizations)
    assert main(["999999"]) == 2
