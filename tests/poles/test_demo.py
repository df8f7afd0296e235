"""The synthetic smart-pole demo records: through the services, marked synthetic, loaded once."""

import pytest

from rollout5g.poles.demo import load_demo
from rollout5g.poles.models import FutureCommunity, PoleConsolidation, RetrofitBatch, StandardDocument

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(resources):
    lines = load_demo()
    assert lines == ["smart poles: 2 retrofit batches, 1 consolidations, 2 standards, 1 future community (synthetic)"]
    assert sorted(b.percent for b in RetrofitBatch.objects.all()) == [pytest.approx(100 * 62 / 150), 100.0]
    assert PoleConsolidation.objects.get().state == "done"
    assert sorted(s.timeliness for s in StandardDocument.objects.all()) == ["late", "met"]
    assert FutureCommunity.objects.get().consolidations.count() == 1
    assert load_demo() == ["smart poles: already loaded"]
