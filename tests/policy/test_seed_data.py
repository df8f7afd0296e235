"""The bundled policy data files against the seed documents in ../shared/seeds/.

Expected values are read by hand from the seeds (Zhejiang task table, Jiaxing opinions). Text,
units, dates and amounts are compared exactly (tolerance: none); Decimal amounts are exact.
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from rollout5g.policy.directory import OrganizationDirectory, bundled_directory, check_document
from rollout5g.policy.schema import (
    DOCUMENTS_DIR,
    ORGANIZATIONS_FILE,
    bundled_policy_files,
    iter_task_units,
    parse_policy_file,
)

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ZJ_FILE = DOCUMENTS_DIR / "zhejiang-2020-5g-action-plan-tasks.yaml"
JX_FILE = DOCUMENTS_DIR / "jiaxing-2019-5g-opinions.yaml"


@pytest.fixture(scope="module")
def orgs():
    return parse_policy_file(ORGANIZATIONS_FILE)


@pytest.fixture(scope="module")
def zj():
    return parse_policy_file(ZJ_FILE)


@pytest.fixture(scope="module")
def jx():
    return parse_policy_file(JX_FILE)


@pytest.fixture(scope="module")
def directory(orgs):
    return OrganizationDirectory.from_policy_files(orgs)


def tasks_by_number(parsed):
    return {t.number: t for t in parsed.tasks}


def squash(text):
    return re.sub(r"\s+", "", text)


def seed_text(name):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {path} not available")
    return squash(path.read_text(encoding="utf-8"))


def test_bundled_files_parse():
    files = bundled_policy_files()
    assert files[0] == ORGANIZATIONS_FILE
    assert {ZJ_FILE, JX_FILE} <= set(files)
    for f in files:
        parse_policy_file(f)  # raises PolicyFileError listing every problem


# ------------------------------------------------------------------------------ Zhejiang


def test_zhejiang_has_35_tasks(zj):
    assert [t.number for t in zj.tasks] == [str(n) for n in range(1, 36)]
    assert zj.document.level == "province" and zj.document.region == "330000"
    assert zj.document.source_file == "003_06bfd6e874ee2972.txt"
    assert (zj.document.period_start, zj.document.period_end) == (2020, 2022)


@pytest.mark.parametrize(
    "number,lead,supporting",
    [
        (
            "1",
            ["省经信厅"],
            ["省发展改革委", "省自然资源厅", "省建设厅", "省通管局", "省广电局", "省大数据局"],
        ),
        (
            "2",
            ["省建设厅"],
            [
                "省自然资源厅",
                "省经信厅",
                "省通管局",
                "省广电局",
                "浙江电信",
                "浙江移动",
                "浙江联通",
                "浙江铁塔",
                "华数集团",
            ],
        ),
        ("3", ["省经信厅", "省通管局"], ["省自然资源厅", "浙江铁塔"]),
        ("6", ["各省级单位"], ["各省属单位"]),
        ("7", ["各市相关单位"], ["省国资委", "省教育厅", "省卫健委", "省交通运输厅"]),
        ("8", ["省建设厅", "省通管局", "省公安厅", "省交通运输厅"], ["省电力公司", "浙江铁塔"]),
        ("9", ["省建设厅"], ["浙江铁塔等"]),
        ("10", ["省电力公司"], ["省能源局"]),
        ("11", ["省自然资源厅", "省建设厅"], []),
        ("21", ["省卫健委"], []),
        ("28", ["省体育局"], ["杭州亚组委", "省经信厅", "省广电局", "省通管局", "浙江广电集团", "华数集团"]),
        ("31", ["省委网信办"], ["省通管局", "省公安厅", "省经信厅", "省广电局"]),
        ("35", ["省经信厅"], ["省委网信办", "省通管局"]),
    ],
)
def test_zhejiang_units(zj, number, lead, supporting):
    task = tasks_by_number(zj)[number]
    assert task.lead_units == lead
    assert task.supporting_units == supporting
    assert task.responsible_units == []


@pytest.mark.parametrize(
    "number,deadline,phrase",
    [
        ("3", dt.date(2020, 8, 31), "2020年8月底前"),
        ("5", dt.date(2020, 9, 30), "2020年9月底前"),
        ("9", dt.date(2020, 9, 30), "2020年9月底前"),
        ("15", dt.date(2022, 12, 31), "到2022年"),
    ],
)
def test_zhejiang_deadlines(zj, number, deadline, phrase):
    task = tasks_by_number(zj)[number]
    assert task.deadline == deadline
    assert task.deadline_text == phrase


def test_zhejiang_other_tasks_have_no_deadline(zj):
    dated = {t.number for t in zj.tasks if t.deadline is not None}
    assert dated == {"3", "5", "9", "15"}


@pytest.mark.parametrize(
    "task_number,indicator,value,source",
    [
        ("20", "zj-smart-manufacturing-demos", 500, "industry.smart_manufacturing_demos"),
        ("15", "zj-5g-backbone-firms", 20, "industry.leading_firms"),
        ("16", "zj-5g-joint-innovation-centres", 8, "industry.joint_innovation_centres"),
        ("18", "zj-5g-industrial-parks", 10, "industry.parks"),
    ],
)
def test_zhejiang_quantified_targets(zj, task_number, indicator, value, source):
    ind = {i.key: i for i in zj.indicators}[indicator]
    assert ind.source == source
    assert ind.clause == task_number
    (goal,) = ind.targets
    assert (goal.region, goal.year, goal.comparator, goal.value) == ("330000", 2022, "ge", Decimal(value))
    assert goal.due == dt.date(2022, 12, 31)
    (target,) = tasks_by_number(zj)[task_number].targets
    assert (target.indicator, target.comparator, target.value, target.year, target.region) == (
        indicator,
        "ge",
        Decimal(value),
        2022,
        "330000",
    )


def test_zhejiang_text_and_units_are_verbatim(zj):
    seed = seed_text("003_06bfd6e874ee2972.txt")
    for task in zj.tasks:
        assert squash(task.text) in seed, task.number
        for _, _, unit in iter_task_units(task):
            assert unit in seed, (task.number, unit)
    for ind in zj.indicators:
        for goal in ind.targets:
            assert squash(goal.text) in seed, ind.key


# ------------------------------------------------------------------------------ Jiaxing

JX_NUMBERS = [
    "二(一)1", "二(一)2", "二(一)3", "二(一)3-2", "二(一)4", "二(一)4-2",
    "二(二)1", "二(二)2(1)", "二(二)2(2)", "二(二)2(3)", "二(二)2(4)", "二(二)2(5)",
    "二(三)1", "二(三)2", "二(三)3", "二(三)4", "二(三)5", "二(三)6",
    "二(四)1", "二(四)2", "二(四)3", "二(四)4",
    "三(一)", "三(二)", "三(二)-2", "三(二)-3", "三(三)", "三(四)", "三(四)-2", "三(五)",
]  # fmt: skip


def test_jiaxing_task_numbers(jx):
    assert [t.number for t in jx.tasks] == JX_NUMBERS
    # every 责任单位 list of the seed is one task
    assert len(jx.tasks) == seed_text("000_d8931ed57a64c4ae.txt").count("责任单位")
    assert jx.document.issued_on == dt.date(2019, 8, 19)
    assert jx.document.issuer == "jx-gov-office"
    assert jx.document.implements == "《浙江省人民政府关于加快5G产业发展的实施意见》（浙政发〔2019〕11号）"


@pytest.mark.parametrize(
    "number,section,units",
    [
        ("二(一)1", "二(一)", ["市发展改革委", "市自然资源和规划局", "市经信局", "市建设局", "嘉兴电力局", "各县（市、区）政府",
                            "嘉兴经济技术开发区（国际商务区）", "嘉兴港区", "各通信运营商", "中国铁塔嘉兴市分公司"]),
        ("二(一)3-2", "二(一)", ["市级各有关部门（单位）", "各县（市、区）政府", "嘉兴经济技术开发区（国际商务区）", "嘉兴港区"]),
        ("二(一)4-2", "二(一)", ["各通信运营商", "中国铁塔嘉兴市分公司", "市公安局", "市民政局", "市自然资源和规划局", "市建设局",
                              "市交通运输局", "市综合执法局", "嘉城集团", "嘉兴电力局"]),
        ("二(二)2(5)", "二(二)2", ["市经信局", "市发展改革委", "市科技局", "市商务局", "各县（市、区）政府",
                               "嘉兴经济技术开发区（国际商务区）", "嘉兴港区"]),
        ("二(三)5", "二(三)", ["市经信局", "市公安局", "市交通运输局", "嘉通集团", "桐乡市政府", "嘉善县政府", "各通信运营商",
                            "中国铁塔嘉兴市分公司"]),
        ("二(四)1", "二(四)", ["市教育局", "市委组织部（市委人才办）", "市人力社保局", "市经信局", "嘉兴学院", "同济大学浙江学院",
                            "浙江大学国际联合学院"]),
        ("二(四)4", "二(四)", ["浙江清华长三角研究院", "联通嘉兴市分公司", "市经信局"]),
        ("三(一)", "三(一)", ["市数字经济强市建设领导小组办公室"]),
        ("三(二)-2", "三(二)", ["市财政局", "市经信局"]),
        ("三(二)-3", "三(二)", ["嘉兴电力局", "市发展改革委", "市市场监管局"]),
        ("三(四)-2", "三(四)", ["市公安局", "市综合执法局", "市生态环境局"]),
        ("三(五)", "三(五)", ["各通信运营商", "中国铁塔嘉兴市分公司", "嘉兴华数公司"]),
    ],
)  # fmt: skip
def test_jiaxing_responsible_units(jx, number, section, units):
    task = tasks_by_number(jx)[number]
    assert task.section == section
    assert task.responsible_units == units
    assert task.lead_units == [] and task.supporting_units == []


def test_jiaxing_text_and_units_are_verbatim(jx):
    seed = seed_text("000_d8931ed57a64c4ae.txt")
    for task in jx.tasks:
        text = squash(task.text)
        assert text in seed, task.number
        # the unit list follows the text directly in the seed, in the same order
        units = "、".join(task.responsible_units)
        assert re.search(re.escape(text) + r"[〔（(]责任单位：" + re.escape(units) + r"[〕）)]", seed), (
            task.number
        )


def test_jiaxing_quoted_goal_texts_come_from_the_seed(jx):
    seed = seed_text("000_d8931ed57a64c4ae.txt")
    for ind in jx.indicators:
        for goal in ind.targets:
            for piece in goal.text.split("……"):
                assert squash(piece) in seed, (ind.key, piece)
    for inc in jx.incentives:
        assert squash(inc.text) in seed, inc.key


def test_base_station_targets(jx):
    ind = {i.key: i for i in jx.indicators}["jx-5g-base-stations"]
    assert ind.source == "registry.on_air_base_stations"
    assert ind.measure == "cumulative"
    goals = [(g.region, g.year, g.comparator, g.value, g.due) for g in ind.targets]
    assert goals == [
        ("330400", 2019, "gt", Decimal(1000), dt.date(2019, 12, 31)),
        ("330400", 2020, "gt", Decimal(4000), dt.date(2020, 12, 31)),
        ("330400", 2021, "gt", Decimal(8000), dt.date(2021, 12, 31)),
    ]


def test_coverage_goals(jx):
    coverage = {i.area_type: i for i in jx.indicators if i.source == "coverage.share"}
    expected = {
        "市本级主城区": 2019,
        "乌镇镇区": 2019,
        "县（市）重点区域": 2019,
        "县（市）城区": 2020,
        "部分镇区": 2020,
        "重点区域": 2021,
        "所有5G应用区域": 2025,
    }
    assert {k: v.targets[0].year for k, v in coverage.items()} == expected
    for ind in coverage.values():
        assert ind.measure == "share" and ind.unit == "share"
        assert [(g.comparator, g.value) for g in ind.targets] == [("ge", Decimal("0.95"))]
        assert "0.95" in ind.notes  # the interpretation of 全覆盖 is recorded
    assert coverage["乌镇镇区"].targets[0].region == "330483"  # Tongxiang


def test_industry_goals(jx):
    ind = {i.key: i for i in jx.indicators}
    goals = {k: [(g.year, g.comparator, g.value, g.region) for g in ind[k].targets] for k in ind}
    assert goals["jx-5g-industry-scale"] == [(2021, "ge", Decimal(300), "330400")]
    assert ind["jx-5g-industry-scale"].unit == "亿元"
    assert goals["jx-5g-leading-firms"] == [(2021, "ge", Decimal(20), "330400")]
    assert goals["jx-5g-industry-clusters"] == [(2021, "ge", Decimal(3), "330400")]
    assert goals["jx-5g-cluster-output"] == [(2021, "gt", Decimal(150), "330400")]
    assert ind["jx-5g-cluster-output"].unit == "亿元"


def test_incentives(jx):
    inc = {i.key: i for i in jx.incentives}
    subsidy = inc["jx-5g-smart-upgrade-subsidy"]
    assert subsidy.kind == "formula" and subsidy.amount is None
    assert [(t.base, t.rate) for t in subsidy.terms] == [
        ("equipment_investment", Decimal("0.10")),
        ("technology_it_investment", Decimal("0.20")),
    ]
    awards = {
        "jx-5g-pilot-award-national": ("1500000", "pilot_project", "national", "jx-5g-pilot-award"),
        "jx-5g-pilot-award-provincial": ("500000", "pilot_project", "provincial", "jx-5g-pilot-award"),
        "jx-5g-park-award-provincial": (
            "2000000",
            "featured_industrial_park",
            "provincial",
            "jx-5g-park-award",
        ),
        "jx-5g-park-award-city": ("1000000", "featured_industrial_park", "city", "jx-5g-park-award"),
    }
    for key, (amount, recognition, level, group) in awards.items():
        award = inc[key]
        assert award.kind == "fixed_award"
        assert award.amount == Decimal(amount)
        assert award.eligibility == {"recognition": recognition, "level": level}
        assert award.exclusive_group == group and award.exclusive_policy == "highest"
    for award in inc.values():
        assert award.clause == "三(二)"
        assert award.valid_from == dt.date(2019, 8, 19) and award.valid_to is None
        assert award.rounding == "half_up_fen"
        assert award.payer == ["市财政局", "市经信局"]


def test_incentive_amounts_are_quoted_strings_in_the_file():
    text = JX_FILE.read_text(encoding="utf-8")
    assert re.findall(r'amount: "(\d+)"', text) == ["1500000", "500000", "2000000", "1000000"]
    assert re.findall(r'rate: "([\d.]+)"', text) == ["0.10", "0.20"]


# ------------------------------------------------------------------------------ directory


def test_every_unit_resolves(zj, jx, directory):
    assert check_document(zj, directory) == []
    assert check_document(jx, directory) == []
    assert bundled_directory().resolve("省经信厅").codes == ["zj-dei"]


def test_counties_expand_to_seven_governments(directory):
    res = directory.resolve("各县（市、区）政府")
    assert res.group_term == "各县（市、区）政府"
    assert len(res.codes) == 7
    names = {directory.organization(c).name for c in res.codes}
    assert names == {
        "嘉兴市南湖区人民政府",
        "嘉兴市秀洲区人民政府",
        "嘉善县人民政府",
        "平湖市人民政府",
        "海盐县人民政府",
        "海宁市人民政府",
        "桐乡市人民政府",
    }
    regions = sorted(directory.organization(c).region for c in res.codes)
    assert regions == ["330402", "330411", "330421", "330424", "330481", "330482", "330483"]
    assert directory.resolve("各县(市、区)政府").codes == res.codes  # half-width brackets
    assert directory.resolve("桐乡市政府").codes[0] in res.codes


def test_operators_expand_to_three_jiaxing_branches(directory):
    res = directory.resolve("各通信运营商")
    names = {directory.organization(c).name for c in res.codes}
    assert names == {
        "中国移动通信集团浙江有限公司嘉兴分公司",
        "中国电信股份有限公司嘉兴分公司",
        "中国联合网络通信有限公司嘉兴市分公司",
    }
    assert "Broadnet" in directory.group("各通信运营商").description
    assert directory.resolve("联通嘉兴市分公司").codes[0] in res.codes


@pytest.mark.parametrize("term", ["市级各有关部门（单位）", "各省级单位", "各省属单位", "各市相关单位"])
def test_named_groups_stay_one_unit(directory, term):
    res = directory.resolve(term)
    assert res.is_named_group and res.codes == [] and res.group_term == term


@pytest.mark.parametrize(
    "short,full",
    [
        ("省通管局", "浙江省通信管理局"),
        ("省广电局", "浙江省广播电视局"),
        ("省大数据局", "浙江省大数据发展管理局"),
        ("省建设厅", "浙江省住房和城乡建设厅"),
        ("省经信厅", "浙江省经济和信息化厅"),
        ("省电力公司", "国网浙江省电力有限公司"),
        ("浙江铁塔", "中国铁塔股份有限公司浙江省分公司"),
        ("省委网信办", "中共浙江省委网络安全和信息化委员会办公室"),
        ("市经信局", "嘉兴市经济和信息化局"),
        ("市综合执法局", "嘉兴市综合行政执法局"),
        ("市建设局", "嘉兴市住房和城乡建设局"),
        ("嘉兴电力局", "国网浙江省电力有限公司嘉兴供电公司"),
        ("国网嘉兴供电公司", "国网浙江省电力有限公司嘉兴供电公司"),
        ("中国铁塔嘉兴市分公司", "中国铁塔股份有限公司嘉兴市分公司"),
        ("中国电科三十六所", "中国电子科技集团公司第三十六研究所"),
        ("嘉通集团", "嘉兴市交通投资集团有限责任公司"),
    ],
)
def test_official_full_names(directory, short, full):
    (code,) = directory.resolve(short).codes
    assert directory.organization(code).name == full


def test_organizations_are_consistent(orgs, directory):
    for org in orgs.organizations:
        assert org.region in {"330000", "330100"} or org.region.startswith("3304"), org.code
        if org.parent:
            directory.organization(org.parent)  # exists
    jiaxing = {o.code for o in orgs.organizations if o.region.startswith("3304")}
    assert {"jx-dei", "jx-power", "jx-tower", "jx-mobile"} <= jiaxing
    assert directory.organization("jx-power").parent == "zj-power"


def test_open_ended_unit(directory):
    res = directory.resolve("浙江铁塔等")
    assert res.open_ended and res.codes == ["zj-tower"]
