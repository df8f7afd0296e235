"""The reviewer's coverage panel as a person reads it (issue 19): the covered share before and after the new sites as
percentages, not as fractions with three decimals."""

import re

import pytest

from rollout5g.permits.models import Application

pytestmark = pytest.mark.django_db


def test_the_coverage_share_is_shown_as_a_percentage(client_for):
    review = Application.objects.get(state="under_review", title__startswith="[示例]")
    page = client_for("planning").get(f"/approvals/{review.code}/").content.decode()
    panels = [p for p in re.findall(r'<p class="coverage">(.*?)</p>', page, flags=re.S) if "→" in p]
    assert panels
    for panel in panels:
        assert re.search(r"\d+(\.\d)?% → <b>\d+(\.\d)?%</b>", panel), panel
        assert not re.search(r"\b0\.\d{3}\b", panel), panel
