"""The working-day calendar pages, API and loading a year from the notice."""

import datetime as dt

import pytest
from typer.testing import CliRunner

from rollout5g.workcalendar.models import CalendarYear
from rollout5g.workcalendar.services import (
    CalendarError,
    calendar_year_from_notice,
    due_date,
    parse_day_lines,
)

pytestmark = pytest.mark.django_db

NOTICE_2027 = {
    "year": "2027",
    "holidays": "2027-01-01..2027-01-03 元旦\n2027-02-06 至 2027-02-13 春节\n2027-10-01~2027-10-07 国庆节",
    "adjusted": "2027-02-14\n2027-09-26, 2027-10-09",
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
}


def test_parse_day_lines_ranges_names_and_errors():
    days, names = parse_day_lines("2027-10-01..2027-10-03 国庆节\n2027-01-01", "holidays", 2027)
    assert days == ["2027-01-01", "2027-10-01", "2027-10-02", "2027-10-03"]
    assert names == {"2027-10-01": "国庆节", "2027-10-02": "国庆节", "2027-10-03": "国庆节"}
    with pytest.raises(CalendarError, match="holidays, item 2: '2027-13-01' is not a date"):
        parse_day_lines("2027-01-01\n2027-13-01", "holidays", 2027)
    with pytest.raises(CalendarError, match="ends .* before it starts"):
        parse_day_lines("2027-10-07..2027-10-01", "holidays", 2027)
    with pytest.raises(CalendarError, match="2026-12-31 is not in 2027"):
        parse_day_lines("2026-12-31", "holidays", 2027)


def test_2026_national_day_and_a_pause():
    # 29, 30 Sep; 1-7 Oct off; 8, 9 Oct; Saturday 10 Oct worked (调休) -> the 5th working day
    assert due_date(dt.date(2026, 9, 28), 5)["due"] == dt.date(2026, 10, 10)
    # a pause over 3 working days (8, 9, 10 Oct) moves it by 3 working days: 12, 13, 14 Oct
    moved = due_date(dt.date(2026, 9, 28), 5, [(dt.date(2026, 10, 8), dt.date(2026, 10, 10))])
    assert moved["due"] == dt.date(2026, 10, 14) and not moved["provisional"]


def test_a_date_in_2027_is_provisional_until_the_year_is_loaded(users):
    CalendarYear.objects.filter(year=2027).delete()
    guess = due_date(dt.date(2026, 12, 28), 5)
    assert guess == {"received": dt.date(2026, 12, 28), "days": 5, "due": dt.date(2027, 1, 4), "provisional": True,
                     "unknown_years": [2027]}
    calendar_year_from_notice(users["office"], year=2027, holidays=NOTICE_2027["holidays"],
                              adjusted_workdays=NOTICE_2027["adjusted"], source=NOTICE_2027["source"])
    final = due_date(dt.date(2026, 12, 28), 5)
    assert (final["due"], final["provisional"]) == (dt.date(2027, 1, 5), False)


def test_notice_validation(users):
    with pytest.raises(CalendarError, match="must be Saturdays or Sundays"):
        calendar_year_from_notice(users["office"], year=2027, holidays="2027-01-01", adjusted_workdays="2027-01-04",
                                  source="x")
    with pytest.raises(CalendarError, match="both off and worked"):
        calendar_year_from_notice(users["office"], year=2027, holidays="2027-01-02", adjusted_workdays="2027-01-02",
                                  source="x")
    with pytest.raises(CalendarError, match="source"):
        calendar_year_from_notice(users["office"], year=2027, holidays="2027-01-01", adjusted_workdays="", source="")
    with pytest.raises(CalendarError, match="none given"):
        calendar_year_from_notice(users["office"], year=2027, holidays="", adjusted_workdays="", source="x")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_page_for_everyone_logged_in(client_for, client):
    r = client_for("mobile").get("/calendar/?year=2026&received=2026-09-28&days=5")
    body = r.content.decode()
    assert r.status_code == 200 and "month-grid" in body and "add-year" not in body
    due = body.split('id="due-result"')[1].split("</p>")[0]
    assert "2026年9月28日" in due and "2026年10月10日" in due and "2026-10-10" not in due  # the reader's form
    assert "missing-years" in body and "2027" in body
    r = client_for("mobile").get("/calendar/?received=2026-12-28&days=5")
    assert "due-provisional" in r.content.decode()
    r = client_for("mobile").get("/calendar/?received=nope&days=5")
    assert "不是日期" in r.content.decode()  # the page speaks the default language, Chinese
    assert client.get("/calendar/").status_code == 302


def test_only_the_office_loads_a_year(client_for):
    assert client_for("mobile").get("/calendar/year/").status_code == 403
    assert client_for("mobile").post("/calendar/year/", NOTICE_2027).status_code == 403
    assert client_for("police").post("/calendar/year/", NOTICE_2027).status_code == 403
    office = client_for("office")
    bad = office.post("/calendar/year/", {**NOTICE_2027, "adjusted": "2027-02-15"})
    assert bad.status_code == 422 and "must be Saturdays or Sundays" in bad.content.decode()
    r = office.post("/calendar/year/", NOTICE_2027)
    assert r.status_code == 302 and r["Location"] == "/calendar/?year=2027"
    row = CalendarYear.objects.get(year=2027)
    assert len(row.holidays) == 3 + 8 + 7 and row.adjusted_workdays == ["2027-02-14", "2027-09-26", "2027-10-09"]
    assert row.names["2027-10-01"] == "国庆节"
    from rollout5g.audit.services import history_for

    assert history_for(row).last().actor_label == "office"
    # the edit form shows the saved year for replacement
    assert "2027-10-01 国庆节" in office.get("/calendar/year/?year=2027").content.decode()


def test_api_years_and_due(client):
    years = client.get("/api/calendar/years").json()
    assert 2026 in [y["year"] for y in years["years"]] and 2027 in years["missing"]
    r = client.get("/api/calendar/due?received=2026-09-28&days=5").json()
    assert (r["due"], r["provisional"]) == ("2026-10-10", False)
    r = client.get("/api/calendar/due?received=2026-09-28&days=5&pauses=2026-10-08..2026-10-10").json()
    assert r["due"] == "2026-10-14"
    r = client.get("/api/calendar/due?received=2026-12-28&days=5").json()
    assert (r["due"], r["provisional"], r["unknown_years"]) == ("2027-01-04", True, [2027])
    assert client.get("/api/calendar/due?received=2026-09-28&days=5&pauses=bad").status_code == 422


def test_cli_load_year(tmp_path):
    import typer

    from rollout5g.cases.commands import register

    app = typer.Typer()
    register(app)
    notice = tmp_path / "notice.yaml"
    notice.write_text("year: 2027\nsource: 国务院办公厅通知\nholidays:\n  - 2027-01-01 元旦\n"
                      "  - 2027-10-01..2027-10-07 国庆节\nadjusted_workdays: [2027-10-09]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["calendar", "load-year", "--year", "2027", "--file", str(notice)])
    assert result.exit_code == 0, result.output
    assert "2027: 8 days off, 1 adjusted working days" in result.output
    notice.write_text("year: 2027\nsource: x\nholidays: [2027-10-01]\nadjusted_workdays: [2027-10-08]\n")
    result = CliRunner().invoke(app, ["calendar", "load-year", "--file", str(notice)])
    assert result.exit_code == 1 and "must be Saturdays or Sundays" in result.output
    result = CliRunner().invoke(app, ["calendar", "load-year", "--year", "2028", "--file", str(notice)])
    assert result.exit_code == 1 and "the file says 2027" in result.output
