"""Numbers, money, shares and dates as a person reads them (rollout5g.platform.formats), in both languages."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from rollout5g.platform import formats


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.8785, "87.9%"), (0.95, "95%"), (1, "100%"), (0, "0%"), (0.00049, "0%"), (None, "—")],
)
def test_percent(share, text):
    assert formats.percent(share) == text


def test_percent_digits():
    assert formats.percent(0.87854, digits=2) == "87.85%"


@pytest.mark.parametrize(
    ("amount", "text"), [(1234567, "¥1,234,567"), (0, "¥0"), (-2500, "-¥2,500"), (None, "—")]
)
def test_yuan(amount, text):
    assert formats.yuan(amount) == text


def test_yuan_with_fen_and_thousands():
    assert formats.yuan("1234.5", digits=2) == "¥1,234.50"
    assert formats.thousands(300000) == "300,000"


def test_long_date_in_each_language():
    day = dt.date(2026, 11, 6)
    with translation.override("zh-hans"):
        assert formats.long_date(day) == "2026年11月6日"
    with translation.override("en"):
        assert formats.long_date(day) == "6 Nov 2026"


def test_long_datetime_uses_the_local_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = dt.datetime(2026, 11, 16, 2, 5, tzinfo=dt.UTC)
    with translation.override("zh-hans"):
        assert formats.long_datetime(moment) == "2026年11月16日 10:05"


def test_filters_are_built_into_every_template():
    template = engines["django"].from_string("{{ s|percent }} {{ m|yuan }} {{ d|long_date }}")
    with translation.override("zh-hans"):
        assert template.render({"s": 0.5, "m": 10000, "d": dt.date(2020, 8, 31)}) == "50% ¥10,000 2020年8月31日"
