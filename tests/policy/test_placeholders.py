"""What the documents do not say is not shown as theirs: a target the programme office set (the seed gives no
number) is stored and shown as the office's own (本平台设定), and a unit list ending in 等 ("and others") is stored
as open-ended and shown with its 等."""

import pytest
from django.urls import reverse

from rollout5g.policy.choices import TargetOrigin
from rollout5g.policy.models import IndicatorTarget, PolicyTask, TaskUnit
from rollout5g.policy.schema import DOCUMENTS_DIR, parse_policy_file
from rollout5g.policy.selectors import task_record, tasks_queryset

pytestmark = pytest.mark.django_db

ZJ = "zhejiang-2020-5g-action-plan-tasks"
OFFICE_LABELS = ("本平台设定", "Set by this platform")


def test_the_direct_supply_target_is_the_offices():
    """Task 10's text has no number (分批将…改造为直供电): its 0.8 is the office's placeholder. Every target set
    by the office says so in its indicator's notes; every other target is the document's."""
    office = IndicatorTarget.objects.filter(origin=TargetOrigin.OFFICE).select_related("indicator")
    direct = office.get(indicator__key="zj-5g-direct-supply-share")
    assert (direct.region_id, direct.year, str(direct.value.normalize())) == ("330400", 2022, "0.8")
    assert "0.8" not in direct.text and "80%" not in direct.text
    for target in office:
        assert "not a figure of the document" in " ".join(target.indicator.notes.split()), target.indicator.key
    assert IndicatorTarget.objects.filter(indicator__key="jx-coverage-wuzhen-town").get().origin == "document"


def test_the_office_target_is_marked_on_the_indicator_and_document_pages(client):
    for url in (reverse("policy:indicator_detail", args=["zj-5g-direct-supply-share"]),
                reverse("policy:document_detail", args=[ZJ])):
        html = client.get(url).content.decode()
        assert any(label in html for label in OFFICE_LABELS), url
    html = client.get(reverse("policy:indicator_detail", args=["zj-5g-backbone-firms"])).content.decode()
    assert not any(label in html for label in OFFICE_LABELS)


def test_a_unit_list_ending_in_deng_is_stored_and_shown_open_ended(client):
    """Task 9: 配合单位 浙江铁塔等 — the tower company and others."""
    task = PolicyTask.objects.get(document__key=ZJ, number="9")
    unit = TaskUnit.objects.get(task=task, role="supporting")
    assert unit.as_written == "浙江铁塔等" and unit.open_ended and unit.organization.code == "zj-tower"
    assert not TaskUnit.objects.filter(open_ended=True).exclude(pk=unit.pk).exists()
    record = task_record(tasks_queryset(PolicyTask.objects.filter(pk=task.pk)).get())
    assert record["open_ended"] == ["supporting"]
    html = client.get(reverse("policy:task_detail", args=[task.pk])).content.decode()
    assert "open-ended" in html and "等" in html.split('class="open-ended"', 1)[1][:400]


def test_origin_in_the_data_file_defaults_to_the_document():
    parsed = parse_policy_file(DOCUMENTS_DIR / f"{ZJ}.yaml")
    origins = {(i.key, t.origin) for i in parsed.indicators for t in i.targets}
    assert ("zj-5g-direct-supply-share", "office") in origins
    assert ("zj-5g-backbone-firms", "document") in origins  # origin left out: the document's
