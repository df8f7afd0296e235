"""The power-supply pages as a person reads them (issue 19): prices per kWh in yuan with their four decimals, dates
and moments in the reader's form (2026年11月16日 in Chinese, 16 Nov 2026 in English), never the ISO numbers."""

import datetime as dt

import pytest

from rollout5g.grid import services

from .conftest import at

pytestmark = pytest.mark.django_db


def test_prices_show_yuan_with_their_decimals_and_dates_in_the_readers_form(users, sites, reference, client_for):
    services.price_record(actor=users["tower"], site=sites["s1"], supplier="某某物业有限公司",
                          price_per_kwh="0.9500", observed_on=dt.date(2026, 10, 20))
    tower = client_for("tower")
    zh = tower.get("/power/prices/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ("¥0.7000", "¥0.9500", "¥0.2500", "2026年10月20日", "2026年1月1日"):
        assert text in zh, text
    assert "2026-10-20" not in zh and "2026-01-01" not in zh
    en = tower.get("/power/prices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "¥0.9500" in en and "20 Oct 2026" in en and "1 Jan 2026" in en


def test_an_outage_shows_its_moments_in_the_readers_form(users, sites, client_for):
    notice = services.outage_notify(actor=users["power"], kind="planned", sites=[sites["s1"]],
                                    starts_at=at("2026-11-10 08:00"), expected_end=at("2026-11-10 12:00"),
                                    notified_at=at("2026-11-07 08:00"))
    power = client_for("power")
    zh = power.get(f"/power/outages/{notice.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2026年11月10日 08:00" in zh and "2026年11月7日 08:00" in zh and "2026-11-10" not in zh
    en = power.get(f"/power/outages/{notice.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10 Nov 2026 12:00" in en
