"""The supervision pages as people read them, and what they cost: query budgets of the dashboard and the briefing,
values computed once per data version and recomputed when the data changes, labels instead of codes, shares as
percentages, dates in the Chinese form, a colour scale that separates the scores present, buttons only for steps
that can be taken."""

import datetime as dt
import html
import json
import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from rollout5g.policy import cache
from rollout5g.policy.choices import TaskStatus
from rollout5g.policy.indicators import observe_cached
from rollout5g.policy.models import Indicator, IndicatorTarget, PolicyTask
from rollout5g.program import services
from rollout5g.program.charts import SCORE_PALETTE, bar_chart_svg, score_classes, wrap_label
from rollout5g.program.choices import Colour
from rollout5g.program.models import Extension, StatusRule
from rollout5g.program.selectors import task_status
from rollout5g.regions.models import Region

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

#: Queries of a dashboard request once the values are computed (session, user, data version, task ids, …).
DASHBOARD_WARM_BUDGET = 12
#: Queries of the first request after a change of the data (every task with its rows, every observed value).
DASHBOARD_COLD_BUDGET = 150


def visible_text(page: str) -> str:
    """The text a person sees: tags, scripts and attributes removed."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_dashboard_costs_a_handful_of_queries_once_computed(client_for, django_assert_max_num_queries):
    c = client_for("office")
    cache.clear()
    with django_assert_max_num_queries(DASHBOARD_COLD_BUDGET):
        assert c.get("/supervision/").status_code == 200
    with django_assert_max_num_queries(DASHBOARD_WARM_BUDGET):
        assert c.get("/supervision/").status_code == 200


@pytest.mark.parametrize("username", ["mobile", "planning"])
def test_dashboard_of_a_unit_within_the_budget(username, client_for, django_assert_max_num_queries):
    c = client_for(username)
    c.get("/supervision/")
    with django_assert_max_num_queries(DASHBOARD_WARM_BUDGET):
        assert c.get("/supervision/").status_code == 200


def test_a_change_of_the_data_shows_on_the_next_request(client_for, users):
    """Values are kept per data version: a value entered through the service changes the version (its audit
    event), so the next dashboard shows it."""
    c = client_for("office")
    indicator = Indicator.objects.get(key="jx-5g-industry-scale")  # entered values, target ≥ 300 亿元 in 2021
    c.get("/supervision/")
    assert "1,234.5 亿元" not in c.get("/supervision/").content.decode()
    services.indicator_value_enter(actor=users["office"], indicator=indicator, region=Region.objects.get(pk="330400"),
                                   as_of=dt.date(2021, 12, 31), value=Decimal("1234.5"), source_note="统计公报")
    assert "1,234.5 亿元" in c.get("/supervision/").content.decode()


def test_a_row_written_without_a_service_changes_the_version_of_this_process(users):
    """Rows saved outside the services (test factories, a shell) still invalidate this process's values."""
    from rollout5g.policy.models import IndicatorValue

    indicator = Indicator.objects.get(key="jx-5g-cluster-output")
    city = Region.objects.get(pk="330400")
    day = dt.date(2021, 12, 31)
    version = cache.data_version()
    first = observe_cached(indicator, city, day)
    IndicatorValue.objects.create(indicator=indicator, region=city, as_of=day, value=Decimal("151"),
                                  source_note="test", entered_by=users["office"])
    assert cache.data_version() != version
    assert observe_cached(indicator, city, day).value == Decimal("151") != (first.value if first else None)


def test_values_are_computed_once_per_version():
    calls = []
    version = ("v", 1)
    for _ in range(3):
        cache.memoize("test.once", "k", lambda: calls.append(1) or len(calls), version=version)
    assert calls == [1]
    assert cache.memoize("test.once", "k", lambda: calls.append(1) or len(calls), version=("v", 2)) == 2


def test_shares_read_as_percentages_and_targets_with_their_comparator():
    share = Indicator.objects.get(key="jx-coverage-key-areas")
    count = Indicator.objects.get(key="jx-5g-base-stations")
    assert share.format_value(Decimal("0.8785")) == "87.85%"
    assert share.format_value(None) == "—"
    assert count.format_value(Decimal("8205")) == "8,205 个"
    target = IndicatorTarget.objects.get(indicator=share, year=2021)
    assert target.display() == "≥ 95%"
    assert IndicatorTarget.objects.get(indicator=count, year=2021).display() == "> 8,000 个"


def test_dashboard_and_board_in_chinese_without_codes(client_for):
    c = client_for("office")
    dashboard = visible_text(c.get("/supervision/", **ZH).content.decode())
    assert "≥ 95%" in dashboard and "0.95" not in dashboard
    with translation.override("zh-hans"):
        rules = list(StatusRule.objects.all())
        labels = {r.code: str(r.label) for r in rules}
        colours = [str(label) for _, label in Colour.choices]
        default = gettext("On schedule: no rule flagged this task.")
    board = visible_text(c.get("/supervision/tasks/", **ZH).content.decode())
    for page in (dashboard, board):
        for code in labels:
            assert code not in page, code
        for word in ("red ", "amber ", "green ", "grey ", " share", "points"):
            assert word not in page, word
    assert all(colour in board for colour in colours)
    assert default in board and any(label in board for label in labels.values())
    # a date in a rule's explanation reads 2026年10月19日, not 2026-10-19
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", board)


def test_rules_page_names_each_rule_and_explains_it_without_codes(client_for):
    """Each rule by its label and a sentence with its parameters; its explanation with the facts named; no rule code,
    kind or parameter name on the page."""
    office = client_for("office")
    page = office.get("/supervision/rules/", **ZH).content.decode()
    rule = StatusRule.objects.get(code="milestone-late-30")
    with translation.override("zh-hans"):
        label = str(rule.label)
    assert label in page
    main = page.split("<main>", 1)[1]
    for code in ("milestone-late-30", "deadline-passed", "report-missing", "days_over", "ratio_pct", "grace_days",
                 "status_in", "{"):
        assert code not in main, code
    office.cookies["django_language"] = "en"
    english = office.get("/supervision/rules/").content.decode()
    assert "more than 30 days past its due date" in english  # milestone-late-30's sentence, with its parameter
    assert "less than 80% of its time-prorated target" in english  # indicator-below-80
    assert "〈days late〉" in english  # the {days_over} of an explanation, named
    with translation.override("en"):
        assert rule.label == "A milestone more than 30 days late"
        assert StatusRule.objects.get(code="indicator-below-80").label == \
            "An indicator below 80% of its time-prorated target"


def test_transition_buttons_name_the_state(client_for, users):
    task = PolicyTask.objects.filter(units__organization__code="jx-mobile", units__role="responsible").first()
    PolicyTask.objects.filter(pk=task.pk).update(status="submitted")
    page = client_for("office").get(f"/supervision/tasks/{task.pk}/", **ZH).content.decode()
    button = re.search(r'<button name="to" value="closed">(.*?)</button>', page)[1]
    with translation.override("zh-hans"):
        assert str(TaskStatus.CLOSED.label) in button and "closed" not in button
    assert "submitted" not in visible_text(page)
    # a unit may not close: no button for it
    assert 'value="closed"' not in client_for("mobile").get(f"/supervision/tasks/{task.pk}/", **ZH).content.decode()


def test_timeline_reads_as_sentences(client_for, users):
    task = PolicyTask.objects.first()
    PolicyTask.objects.filter(pk=task.pk).update(status="submitted")
    task.refresh_from_db()
    services.task_transition(actor=users["office"], task=task, to_status="closed")
    page = client_for("office").get(f"/supervision/tasks/{task.pk}/", **ZH).content.decode()
    timeline = visible_text(page[page.index('id="timeline"'):])
    with translation.override("zh-hans"):
        submitted, closed = str(TaskStatus.SUBMITTED.label), str(TaskStatus.CLOSED.label)
    assert re.search(f"{re.escape(str(users['office']))} .*{submitted}.*{closed}", timeline)
    assert '{"status"' not in timeline and "closed" not in timeline and "submitted" not in timeline


def test_extension_buttons_only_while_it_can_be_decided(client_for, users):
    task = PolicyTask.objects.filter(units__organization__code="jx-mobile").first()
    deadline = services.effective_deadline(task) or dt.date(2026, 12, 31)
    ext = services.extension_request(actor=users["mobile"], task=task, reason="协调延迟",
                                     new_deadline=deadline + dt.timedelta(days=30))
    office = client_for("office")
    url = f"/supervision/tasks/{task.pk}/"
    assert f"/supervision/extensions/{ext.pk}/decide/" in office.get(url).content.decode()
    assert f"/supervision/extensions/{ext.pk}/decide/" not in client_for("mobile").get(url).content.decode()
    services.extension_decide(actor=users["office"], extension=ext, approve=True)
    assert Extension.objects.get(pk=ext.pk).state == "approved"
    assert f"/supervision/extensions/{ext.pk}/decide/" not in office.get(url).content.decode()


def test_colour_classes_separate_scores_of_one_tier():
    scores = [92.1, 95.3, 97.0, 98.4, 99.0, 100.2, 101.5]  # all 优秀 (≥ 90)
    classes, legend = score_classes(scores)
    assert len(set(classes)) == len(SCORE_PALETTE) == len(legend)
    assert classes == sorted(classes)  # higher score, darker class
    assert classes[0] == 0 and classes[-1] == len(SCORE_PALETTE) - 1
    assert [item["count"] for item in legend] == [1, 1, 2, 1, 2]
    # two distinct scores: the two ends of the palette; one: one class
    assert score_classes([90.0, 95.0, 90.0])[0] == [0, 4, 0]
    assert len(score_classes([88.0, 88.0])[1]) == 1


def test_dashboard_map_gets_a_colour_per_score_class(client_for):
    page = client_for("office").get("/supervision/").content.decode()
    data = json.loads(re.search(r'<script id="scores-data" type="application/json">(.*?)</script>', page, re.S)[1])
    scores = {v["score"] for v in data.values()}
    colours = {v["colour"] for v in data.values()}
    assert len(data) == 7 and len(colours) == min(len(scores), len(SCORE_PALETTE)) >= 2
    assert 'id="score-legend"' in page


def test_bar_labels_wrap_instead_of_being_clipped():
    long = "市级以上5G应用示范区域重点场所信号覆盖率"
    lines = wrap_label(long, 120, 12)
    assert len(lines) == 2 and all(len(line) * 12 <= 120 for line in lines) and lines[-1].endswith("…")
    svg = bar_chart_svg([(long, 50.0), ("5G基站建设数量", 102.6)], unit="%", reference=100)
    assert "市级以上5G应用示范" in svg and svg.count("<rect") >= 2
    # greyscale print: the bars below the reference carry a pattern, not only a hue
    assert "-dots)" in svg and "<pattern" in svg


def test_status_of_a_task_explains_with_labels(users):
    task = PolicyTask.objects.first()
    row = task_status(task)
    assert row.rule_label and row.verdict.rule not in row.rule_label


def test_briefing_query_budget_and_made_once(client_for, django_assert_max_num_queries):
    pytest.importorskip("weasyprint")
    from rollout5g.platform.fonts import MissingFontError, require_cjk_font

    try:
        require_cjk_font()
    except MissingFontError:
        pytest.skip("no CJK font installed")
    c = client_for("office")
    cache.clear()
    with django_assert_max_num_queries(DASHBOARD_COLD_BUDGET):
        first = c.get("/supervision/briefing.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    with django_assert_max_num_queries(6):
        again = c.get("/supervision/briefing.pdf")
    assert again.content == first.content
