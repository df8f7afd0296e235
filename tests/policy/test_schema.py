"""Policy-file schema: every problem is reported with the right file, line and field.

Line numbers are exact (1-based, counted in the YAML texts below); no tolerance applies.
"""

import textwrap
from decimal import Decimal

import pytest

from rollout5g.policy.directory import OrganizationDirectory, UnknownUnit, check_document, normalise_name
from rollout5g.policy.schema import PolicyFileError, PolicyProblem, format_field, parse_policy_file

# A small valid document file. Line numbers matter: tests below edit single lines of it.
VALID = textwrap.dedent(
    """\
    document:
      key: test-doc
      title: 测试文件
      short_title: 测试
      issuer: null
      level: city
      region: "330400"
      source_file: test.txt
      period_start: 2020
      period_end: 2022
    sections:
      - {number: 一, title: 主要任务, parent: null}
    tasks:
      - number: "1"
        section: 一
        title: 任务一
        title_en: Task one
        text: 2020年8月底前，完成规划。
        lead_units: [省经信厅]
        supporting_units: [省通管局]
        deadline: 2020-08-31
        deadline_text: 2020年8月底前
        targets:
          - {indicator: parks, comparator: ge, value: 10, year: 2022, region: "330000"}
        tags: [planning]
      - number: "2"
        section: 一
        title: 任务二
        title_en: Task two
        text: 开放清单。
        lead_units: [省建设厅]
        tags: [open-list]
    indicators:
      - key: parks
        name: 5G产业园
        name_en: 5G parks
        unit: 个
        measure: count
        source: industry.parks
        clause: "1"
        targets:
          - {region: "330000", year: 2022, comparator: ge, value: 10, due: 2022-12-31, text: 10个以上}
    incentives:
      - key: subsidy
        name: 补助
        name_en: Subsidy
        clause: 一
        text: 给予补助。
        kind: formula
        terms:
          - {base: equipment_investment, rate: "0.10"}
        valid_from: 2019-08-19
        payer: [市财政局]
    """
)


def write(tmp_path, text, name="doc.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(text, line, new):
    """Replace 1-based line ``line`` of ``text`` with ``new`` (keeping the indentation)."""
    lines = text.split("\n")
    old = lines[line - 1]
    lines[line - 1] = old[: len(old) - len(old.lstrip())] + new
    return "\n".join(lines)


def problems_of(path):
    with pytest.raises(PolicyFileError) as info:
        parse_policy_file(path)
    return info.value.problems


def only(problems, field):
    found = [p for p in problems if p.field == field]
    assert found, f"no problem on {field}: {problems}"
    return found[0]


def test_valid_file_parses_with_lines(tmp_path):
    parsed = parse_policy_file(write(tmp_path, VALID))
    assert [t.number for t in parsed.tasks] == ["1", "2"]
    assert parsed.tasks[0].deadline.isoformat() == "2020-08-31"
    assert parsed.incentives[0].terms[0].rate == Decimal("0.10")  # exact decimal, not a float
    assert parsed.indicators[0].targets[0].value == Decimal(10)
    assert parsed.line_of(("tasks", 0, "deadline")) == 21
    assert parsed.line_of(("tasks", 0, "lead_units", 0)) == 19
    assert parsed.line_of(("tasks", 1)) == 26
    assert parsed.line_of(("tasks", 1, "deadline")) == 26  # missing -> the task's line
    assert parsed.line_of(("no-such-key",)) == 1


def test_bad_date(tmp_path):
    path = write(tmp_path, edit(VALID, 21, "deadline: 2020-02-30"))
    problem = only(problems_of(path), "tasks[0].deadline")
    assert problem.file == str(path)
    assert problem.line == 21
    assert "date" in problem.message


def test_unknown_key(tmp_path):
    path = write(tmp_path, edit(VALID, 16, "titel: 任务一"))
    problems = problems_of(path)
    unknown = only(problems, "tasks[0].titel")
    assert unknown.line == 16
    assert "unknown key 'titel'" in unknown.message
    missing = only(problems, "tasks[0].title")  # and the real key is now missing
    assert missing.line == 14
    assert "required" in missing.message


def test_missing_field(tmp_path):
    path = write(tmp_path, VALID.replace("    title_en: Task two\n", ""))
    problem = only(problems_of(path), "tasks[1].title_en")
    assert problem.line == 26  # the task's first line
    assert "required" in problem.message.lower()


def test_wrong_type(tmp_path):
    path = write(tmp_path, edit(VALID, 19, "lead_units: 省经信厅"))
    problem = only(problems_of(path), "tasks[0].lead_units")
    assert problem.line == 19
    assert "list" in problem.message


def test_float_rate_is_refused(tmp_path):
    path = write(tmp_path, VALID.replace('rate: "0.10"', "rate: 0.10"))
    problem = only(problems_of(path), "incentives[0].terms[0].rate")
    assert problem.line == 51
    assert "decimal string" in problem.message


def test_yaml_syntax_error(tmp_path):
    path = write(tmp_path, edit(VALID, 19, "lead_units: [省经信厅"))
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].field == "<yaml>"
    assert problems[0].file == str(path)
    assert problems[0].line in (19, 20)  # PyYAML marks the unclosed flow sequence on the next line
    assert "YAML syntax error" in problems[0].message


def test_duplicate_task_number(tmp_path):
    path = write(tmp_path, edit(VALID, 26, '- number: "1"'))
    problem = only(problems_of(path), "tasks[1].number")
    assert problem.line == 26
    assert "duplicate task number '1'" in problem.message


def test_duplicate_yaml_key(tmp_path):
    path = write(tmp_path, VALID.replace("    title: 任务二\n", "    title: 任务二\n    title: 任务三\n"))
    problem = only(problems_of(path), "tasks[1].title")
    assert problem.line == 29
    assert "duplicate key 'title' (first on line 28)" in problem.message


def test_deadline_contradicts_text(tmp_path):
    path = write(tmp_path, edit(VALID, 21, "deadline: 2020-09-30"))
    problem = only(problems_of(path), "tasks[0].deadline")
    assert problem.line == 21
    assert "contradicts deadline_text" in problem.message and "2020-08-31" in problem.message


def test_deadline_text_without_deadline(tmp_path):
    path = write(tmp_path, edit(VALID, 21, "deadline: null"))
    problem = only(problems_of(path), "tasks[0].deadline")
    assert "2020-08-31" in problem.message


def test_undefined_indicator_and_section(tmp_path):
    text = edit(VALID, 24, '- {indicator: farms, comparator: ge, value: 10, year: 2022, region: "330000"}')
    text = edit(text, 15, "section: 九")
    problems = problems_of(write(tmp_path, text))
    assert only(problems, "tasks[0].targets[0].indicator").line == 24
    assert only(problems, "tasks[0].section").line == 15


def test_target_must_agree_with_indicator(tmp_path):
    text = edit(VALID, 24, '- {indicator: parks, comparator: ge, value: 12, year: 2022, region: "330000"}')
    problem = only(problems_of(write(tmp_path, text)), "tasks[0].targets[0]")
    assert problem.line == 24
    assert "disagrees" in problem.message


def test_all_problems_reported_at_once(tmp_path):
    text = edit(VALID, 21, "deadline: 2020-02-30")
    text = edit(text, 16, "titel: 任务一")
    text = edit(text, 26, '- number: "1"')
    text = edit(text, 38, "measure: total")
    path = write(tmp_path, text)
    with pytest.raises(PolicyFileError) as info:
        parse_policy_file(path)
    fields = {p.field for p in info.value.problems}
    assert {"tasks[0].deadline", "tasks[0].titel", "tasks[1].number", "indicators[0].measure"} <= fields
    lines = str(info.value).split("\n")
    assert len(lines) == len(info.value.problems)
    assert f"{path}:21: tasks[0].deadline: " in str(info.value)
    assert all(line.startswith(f"{path}:") for line in lines)


def test_problem_format():
    p = PolicyProblem("a.yaml", 3, "tasks[3].deadline", "bad")
    assert str(p) == "a.yaml:3: tasks[3].deadline: bad"
    assert format_field(("tasks", 3, "deadline")) == "tasks[3].deadline"
    assert format_field(("incentives", 0, "terms", 1, "rate")) == "incentives[0].terms[1].rate"


def test_empty_and_non_mapping_files(tmp_path):
    assert "empty" in problems_of(write(tmp_path, "# nothing\n"))[0].message
    assert "mapping" in problems_of(write(tmp_path, "- a\n- b\n"))[0].message


def test_tasks_need_a_document(tmp_path):
    text = VALID.split("sections:")[0].replace("document:", "documen:")
    problems = problems_of(write(tmp_path, text))
    assert only(problems, "documen").line == 1


# ------------------------------------------------------------------------------ directory


ORGS = [
    {
        "code": "zj-dei",
        "name": "浙江省经济和信息化厅",
        "short_name": "省经信厅",
        "kind": "government_department",
        "region": "330000",
        "name_en": "DEI",
    },
    {
        "code": "zj-ca",
        "name": "浙江省通信管理局",
        "short_name": "省通管局",
        "kind": "government_department",
        "region": "330000",
        "name_en": "CA",
    },
    {
        "code": "zj-tower",
        "name": "中国铁塔股份有限公司浙江省分公司",
        "short_name": "浙江铁塔",
        "kind": "tower_company",
        "region": "330000",
        "name_en": "Tower",
        "aliases": ["中国铁塔浙江省分公司"],
    },
]
GROUPS = [
    {
        "term": "各运营商（浙江）",
        "region": "330000",
        "expand": True,
        "members": ["zj-tower"],
        "description": "d",
    },
    {"term": "各省级单位", "region": "330000", "expand": False, "description": "d"},
]


def test_directory_resolves_names_and_groups():
    d = OrganizationDirectory(ORGS, GROUPS)
    assert d.resolve("省经信厅").codes == ["zj-dei"]
    assert d.resolve("浙江省经济和信息化厅").codes == ["zj-dei"]
    assert d.resolve("中国铁塔浙江省分公司").codes == ["zj-tower"]
    assert d.resolve(" 省 通管局 ").codes == ["zj-ca"]  # spaces do not matter
    expanded = d.resolve("各运营商(浙江)")  # half-width brackets
    assert expanded.codes == ["zj-tower"] and expanded.group_term == "各运营商（浙江）"
    assert d.resolve("各运营商〔浙江〕").codes == ["zj-tower"]
    named = d.resolve("各省级单位")
    assert named.codes == [] and named.group_term == "各省级单位" and named.is_named_group
    etc = d.resolve("浙江铁塔等")
    assert etc.codes == ["zj-tower"] and etc.open_ended


def test_unknown_unit_suggests_close_names():
    d = OrganizationDirectory(ORGS, GROUPS)
    with pytest.raises(UnknownUnit) as info:
        d.resolve("省经信委")
    assert info.value.name == "省经信委"
    assert "省经信厅" in info.value.suggestions
    assert "did you mean" in str(info.value)
    assert "省经信委" not in d


def test_directory_rejects_conflicts():
    clash = dict(ORGS[1], code="zj-ca2", short_name="省经信厅")
    with pytest.raises(ValueError, match="names both"):
        OrganizationDirectory([*ORGS, clash], [])
    with pytest.raises(ValueError, match="member 'nobody'"):
        OrganizationDirectory(ORGS, [dict(GROUPS[0], members=["nobody"])])
    with pytest.raises(ValueError, match="parent 'nobody'"):
        OrganizationDirectory([dict(ORGS[0], parent="nobody")], [])


def test_normalise_name():
    assert normalise_name("各县（市、区）政府") == normalise_name("各县(市、区) 政府")
    assert normalise_name("嘉政办发〔2018〕12号") == "嘉政办发(2018)12号"


def test_check_document_reports_unknown_units_with_lines(tmp_path):
    parsed = parse_policy_file(write(tmp_path, VALID))
    problems = check_document(parsed, OrganizationDirectory(ORGS, GROUPS))
    by_field = {p.field: p for p in problems}
    # 省建设厅 (task 2) and 市财政局 (incentive payer) are not in this small directory
    assert set(by_field) == {"tasks[1].lead_units[0]", "incentives[0].payer[0]"}
    assert by_field["tasks[1].lead_units[0]"].line == 31
    assert by_field["incentives[0].payer[0]"].line == 53
    assert "省建设厅" in by_field["tasks[1].lead_units[0]"].message


def test_document_may_carry_its_own_units(tmp_path):
    own = textwrap.dedent(
        """\
        organizations:
          - {code: zj-housing, name: 浙江省住房和城乡建设厅, short_name: 省建设厅, kind: government_department,
             region: "330000", name_en: Housing}
          - {code: jx-finance, name: 嘉兴市财政局, short_name: 市财政局, kind: government_department,
             region: "330400", name_en: Finance}
        """
    )
    parsed = parse_policy_file(write(tmp_path, own + VALID))
    assert check_document(parsed, OrganizationDirectory(ORGS, GROUPS)) == []
