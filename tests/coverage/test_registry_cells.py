"""The coverage engine reads the registry: radiating cells only, with the registry's parameters."""

import datetime as dt

import numpy as np
import pytest
from django.db.models import Q

from rollout5g.coverage.registry import radiating_cells
from rollout5g.sites.models import Cell

pytestmark = pytest.mark.django_db


def test_radiating_cells_match_the_registry():
    cells = radiating_cells(as_of=dt.date(2021, 12, 31), band="n41")
    # on air by then, on a site on air or relocating now, or retired only later (other demos retire sites)
    expected = Cell.objects.filter(band="n41", on_air_date__lte=dt.date(2021, 12, 31)).filter(
        Q(site__state__in=["on_air", "relocating"]) | Q(site__state="retired", site__retired_date__gt=dt.date(2021, 12, 31))
    ).count()
    assert len(cells) == expected > 1000
    one = Cell.objects.select_related("site", "operator").get(cell_id=cells.cell_id[0])
    assert cells.tilt_deg[0] == pytest.approx(one.mechanical_tilt_deg + one.electrical_tilt_deg)
    assert (cells.lon[0], cells.lat[0]) == (one.site.lon, one.site.lat)
    assert set(cells.operator) == {"jx-mobile"}  # n41 is China Mobile's band


def test_earlier_date_has_fewer_cells_and_operator_filter():
    early = radiating_cells(as_of=dt.date(2019, 12, 31))
    late = radiating_cells(as_of=dt.date(2021, 12, 31))
    assert 0 < len(early) < len(late)
    telecom = radiating_cells(as_of=dt.date(2021, 12, 31), operator="jx-telecom")
    assert len(telecom) and set(np.unique(telecom.band)) <= {"n78"}
