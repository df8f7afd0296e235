"""The calendar page: the month grid and the yearly working days are computed once per calendar and language, and
computed again when a year is loaded or changed."""

import pytest

from rollout5g.workcalendar import views
from rollout5g.workcalendar.services import calendar_year_from_notice

from .test_calendar import NOTICE_2027

pytestmark = pytest.mark.django_db


def _grid(body: str) -> str:
    return body.split('id="month-grid"', 1)[1]


def test_the_grid_is_kept_per_language_and_renewed_when_a_year_changes(client_for, users,
                                                                       django_assert_max_num_queries):
    client = client_for("office")
    first = client.get("/calendar/?year=2027").content.decode()
    assert 'id="month-grid"' in first
    with django_assert_max_num_queries(10):
        again = client.get("/calendar/?year=2027").content.decode()
    assert _grid(again) == _grid(first)  # the same grid, kept
    client.cookies["django_language"] = "en"
    english = client.get("/calendar/?year=2027").content.decode()
    assert ">Mon</th>" in _grid(english) and ">Mon</th>" not in _grid(first)  # a grid per language
    # loading 2027 from the notice changes its days: the grid follows at once
    calendar_year_from_notice(users["office"], **{k: v for k, v in NOTICE_2027.items() if k != "adjusted"},
                              adjusted_workdays=NOTICE_2027["adjusted"])
    loaded = client.get("/calendar/?year=2027").content.decode()
    assert 'title="14 Feb 2027: ' in loaded
    assert loaded.split('title="14 Feb 2027: ')[1].split('"')[0] != english.split('title="14 Feb 2027: ')[1].split('"')[0]
    assert views._derived["calendar"] is not None
