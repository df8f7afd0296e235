"""How numbers, money, shares and dates read for a person: one place, used by templates (the ``formats`` filters,
built into every template), spreadsheets and PDFs.

Chinese is the default language; the English forms are used when the active language is English.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def percent(share, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage: 0.8785 -> "87.9%" (digits after the point, trailing zeros kept off for whole
    numbers: 0.95 -> "95%"). None or an empty value -> "—"."""
    if share is None or share == "":
        return "—"
    try:
        value = Decimal(str(share)) * 100
    except InvalidOperation:
        return str(share)
    text = f"{value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def yuan(amount, digits: int = 0) -> str:
    """Money in CNY with thousands separators: 1234567 -> "¥1,234,567"; digits=2 keeps fen. None -> "—"."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.{digits}f}"


def thousands(number, digits: int = 0) -> str:
    """A count or quantity with thousands separators: 12345 -> "12,345". None -> "—"."""
    if number is None or number == "":
        return "—"
    try:
        return f"{Decimal(str(number)):,.{digits}f}"
    except InvalidOperation:
        return str(number)


def long_date(value) -> str:
    """A date in the reader's form: "2026年11月16日" in Chinese, "16 Nov 2026" in English; datetimes in the current
    time zone. None -> "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if _chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%d %b %Y").lstrip("0")


def long_datetime(value) -> str:
    """A moment: "2026年11月16日 10:05" / "16 Nov 2026 10:05" in the current time zone. None -> "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{long_date(local.date())} {local:%H:%M}"
    return long_date(value)


#: The coordinate systems a person chooses from (the keys of ``rollout5g.core.geo.CRS_CHOICES``), in the reader's
#: language.
CRS_LABELS = {
    "wgs84": "WGS-84 (EPSG:4326)",
    "cgcs2000": "CGCS2000 (EPSG:4490)",
    "gcj02": _("GCJ-02 (AMap, Tencent maps)"),
}


def crs_label(key: str) -> str:
    """The label of a coordinate system key; an unknown key is returned as it is."""
    return str(CRS_LABELS.get(key, key))
