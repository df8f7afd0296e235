"""Loading policy files into the database: complete, idempotent, all-or-nothing, errors with file/line/field."""

import textwrap

import pytest

from rollout5g.audit.models import AuditEvent
from rollout5g.policy.loader import load_policy_files
from rollout5g.policy.models import Indicator, PolicyDocument, PolicyTask, TaskUnit
from rollout5g.policy.schema import PolicyFileError, bundled_policy_files
from rollout5g.policy.selectors import task_record, tasks_queryset

pytestmark = pytest.mark.django_db

ZJ = "zhejiang-2020-5g-action-plan-tasks"
JX = "jiaxing-2019-5g-opinions"


def _counts():
    return (PolicyDocument.objects.count(), PolicyTask.objects.count(), TaskUnit.objects.count(),
            Indicator.objects.count(), AuditEvent.objects.count())


def _task(doc, number):
    return task_record(tasks_queryset(PolicyTask.objects.filter(document__key=doc, number=number)).get())


def test_all_35_provincial_tasks_with_seed_units_and_deadlines():
    assert PolicyTask.objects.filter(document__key=ZJ).count() == 35
    t1 = _task(ZJ, "1")
    assert t1["lead_units"] == ["浙江省经济和信息化厅"]
    assert t1["supporting_units"] == ["浙江省发展和改革委员会", "浙江省自然资源厅", "浙江省住房和城乡建设厅",
                                      "浙江省通信管理局", "浙江省广播电视局", "浙江省大数据发展管理局"]
    t3 = _task(ZJ, "3")
    assert t3["deadline"] == "2020-08-31"
    assert set(t3["lead_units"]) == {"浙江省经济和信息化厅", "浙江省通信管理局"}
    assert _task(ZJ, "5")["deadline"] == "2020-09-30"
    assert _task(ZJ, "9")["deadline"] == "2020-09-30"
    t11 = _task(ZJ, "11")
    assert len(t11["lead_units"]) == 2 and t11["supporting_units"] == []
    assert _task(ZJ, "6")["lead_units"] == ["各省级单位"]  # a named group, kept as one unit


def test_provincial_quantified_targets():
    targets = {t["indicator"]: t["value"] for n in ("15", "16", "18", "20") for t in _task(ZJ, n)["targets"]}
    assert sorted(targets.values()) == [8, 10, 20, 500]


def test_jiaxing_tasks_with_expanded_responsible_units():
    task = _task(JX, "二(一)1")
    counties = {"嘉兴市南湖区人民政府", "嘉兴市秀洲区人民政府", "嘉善县人民政府", "平湖市人民政府", "海盐县人民政府",
                "海宁市人民政府", "桐乡市人民政府"}
    assert counties <= set(task["responsible_units"])  # 各县（市、区）政府 → the seven governments
    assert "中国铁塔股份有限公司嘉兴市分公司" in task["responsible_units"]
    numbers = set(PolicyTask.objects.filter(document__key=JX).values_list("number", flat=True))
    assert {"二(一)1", "二(一)4", "二(二)2(3)", "二(三)5", "二(四)4", "三(二)", "三(五)"} <= numbers
    assert "市级各有关部门（单位）" in _task(JX, "二(一)3")["responsible_units"]


def test_base_station_indicator_targets():
    indicator = Indicator.objects.get(source="registry.on_air_base_stations", document__key=JX)
    targets = {t.year: (t.comparator, int(t.value)) for t in indicator.targets.filter(region_id="330400")}
    assert targets[2019] == ("gt", 1000) and targets[2020] == ("gt", 4000) and targets[2021] == ("gt", 8000)


def test_jiaxing_document_metadata_and_incentives():
    doc = PolicyDocument.objects.get(key=JX)
    assert str(doc.issued_on) == "2019-08-19"
    assert "浙政发〔2019〕11号" in doc.implements
    amounts = sorted(int(c.amount) for c in doc.incentives.filter(kind="fixed_award"))
    assert amounts == [500000, 1000000, 1500000, 2000000]
    formula = doc.incentives.get(kind="formula")
    assert {t["base"]: t["rate"] for t in formula.terms} == {"equipment_investment": "0.10",
                                                             "technology_it_investment": "0.20"}


def test_loading_twice_changes_nothing():
    before = _counts()
    report = load_policy_files(bundled_policy_files())
    assert report.changes == 0
    assert _counts() == before


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD_DOC = """\
document:
  key: test-city-plan
  title: 测试市5G实施方案
  short_title: 测试方案
  level: city
  region: "330400"
  source_file: test.txt
  period_start: 2024
  period_end: 2025
tasks:
  - number: "1"
    title: 编制规划
    title_en: Plan
    text: 2024年9月底前编制规划。
    lead_units: [市经信局]
    supporting_units: [各通信运营商]
    deadline: 2024-09-30
    deadline_text: 2024年9月底前
"""


def test_another_document_loads_the_same_way(tmp_path):
    path = _write(tmp_path, "city.yaml", GOOD_DOC)
    report = load_policy_files([path])
    assert report.created["tasks"] == 1
    task = _task("test-city-plan", "1")
    assert task["lead_units"] == ["嘉兴市经济和信息化局"]
    assert len(task["supporting_units"]) == 3  # 各通信运营商 → the three operators
    assert task["deadline"] == "2024-09-30"


def test_invalid_file_is_refused_with_file_line_and_field_and_nothing_changes(tmp_path):
    bad = GOOD_DOC.replace("deadline: 2024-09-30", "deadline: 2024-13-45").replace(
        "lead_units: [市经信局]", "lead_units: [市经信局]\n    colour: red")
    path = _write(tmp_path, "bad.yaml", bad)
    before = _counts()
    with pytest.raises(PolicyFileError) as info:
        load_policy_files([path])
    problems = {(p.field, p.line) for p in info.value.problems}
    assert ("tasks[0].colour", 16) in problems
    assert any(p.field == "tasks[0].deadline" and p.line == 18 for p in info.value.problems)
    assert all(p.file.endswith("bad.yaml") for p in info.value.problems)
    assert _counts() == before


def test_unknown_unit_is_refused_with_its_line_and_a_suggestion(tmp_path):
    path = _write(tmp_path, "unit.yaml", GOOD_DOC.replace("lead_units: [市经信局]", "lead_units: [市经信委]"))
    before = _counts()
    with pytest.raises(PolicyFileError) as info:
        load_policy_files([path])
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (15, "tasks[0].lead_units[0]")
    assert "市经信委" in problem.message and "市经信局" in problem.message
    assert _counts() == before


def test_unknown_region_is_refused(tmp_path):
    path = _write(tmp_path, "region.yaml", GOOD_DOC.replace('region: "330400"', 'region: "339999"'))
    with pytest.raises(PolicyFileError, match=r"region.yaml:6: document.region: region '339999'"):
        load_policy_files([path])


def test_a_changed_task_is_updated_and_audited(tmp_path):
    load_policy_files([_write(tmp_path, "city.yaml", GOOD_DOC)])
    task = PolicyTask.objects.get(document__key="test-city-plan", number="1")
    changed = GOOD_DOC.replace("title: 编制规划", "title: 编制专项规划")
    report = load_policy_files([_write(tmp_path, "city.yaml", changed)])
    assert report.updated["tasks"] == 1 and report.created["tasks"] == 0
    last = AuditEvent.objects.filter(object_type="policy.policytask", object_id=str(task.pk)).last()
    assert last.before == {"title": "编制规划"} and last.after == {"title": "编制专项规划"}


def test_a_second_citys_document_expands_its_own_collective_terms(tmp_path):
    """Huzhou's units and collective terms from the province's table, then a Huzhou document writing 各县（市、区）政府
    and 各通信运营商: they are Huzhou's county governments and operator branches, not Jiaxing's (the terms several
    cities define resolve to the document's region)."""
    from rollout5g.demo import load_city_units

    load_city_units(["330500", "330900"])  # Huzhou and Zhoushan both define the terms
    huzhou_doc = GOOD_DOC.replace("test-city-plan", "test-huzhou-plan").replace('"330400"', '"330500"').replace(
        "[市经信局]", "[各县（市、区）政府]")
    load_policy_files([_write(tmp_path, "huzhou.yaml", huzhou_doc)])
    units = TaskUnit.objects.filter(task__document__key="test-huzhou-plan").select_related("organization")
    leads = {u.organization.region.parent_id for u in units if u.role == "lead"}
    supporting = {u.organization.code for u in units if u.role == "supporting"}
    assert leads == {"330500"} and units.filter(role="lead").count() == 5  # Huzhou's five county-level units
    assert supporting and all(code.startswith("hu-") for code in supporting)
    # Jiaxing's documents still expand the same terms to Jiaxing's units
    jiaxing = _task(JX, "二(一)1")["responsible_units"]
    assert "嘉善县人民政府" in jiaxing and not any(name.startswith("湖州") for name in jiaxing)
