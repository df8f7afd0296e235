"""Deadline phrases of Chinese policy documents, turned into calendar dates.

Policy documents state deadlines in words: ``2020年8月底前`` (before the end of August 2020),
``2019年底`` (end of 2019), ``到2022年`` (by 2022). A deadline is the *last day* on which the
work may still be done, so every phrase maps to the last day of the period it names:

=====================================  ===============================
phrase (examples)                      deadline
=====================================  ===============================
``2020年8月底前`` ``2020年8月底`` ``2020年8月末``  last day of that month
``2020年8月``                          last day of that month
``2020年8月31日前`` ``2020年8月31日``  that day
``2020年8月上旬`` / ``中旬`` / ``下旬``  the 10th / the 20th / last day
``2020年上半年`` / ``下半年``          30 June / 31 December
``2020年第三季度`` ``2020年3季度``     last day of the quarter
``2019年底`` ``2019年年底前`` ``2019年末``  31 December
``到2021年`` ``2021年``                31 December of that year
``2020-08-31``                         that day
=====================================  ===============================

Month ends follow the Gregorian calendar (February has 29 days in leap years). Full-width
digits and Chinese numerals (``二〇二〇年``, ``八月``, ``三十一日``) are accepted.

Two forms are refused as ambiguous, because administrative usage reads them both ways:
``2020年8月前`` (before August starts, or by the end of August?) and ``2022年前`` (by the end
of 2021, or of 2022?). Write ``8月底前`` / ``2022年底前`` instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

__all__ = ["parse_deadline", "month_end", "SUPPORTED_FORMS"]

#: The phrase shapes :func:`parse_deadline` understands, as shown in error messages.
SUPPORTED_FORMS = (
    "YYYY年M月底前",
    "YYYY年M月底",
    "YYYY年M月末",
    "YYYY年M月",
    "YYYY年M月D日(前)",
    "YYYY年M月上旬/中旬/下旬",
    "YYYY年上半年/下半年",
    "YYYY年第N季度",
    "YYYY年底(前)",
    "YYYY年年底(前)",
    "YYYY年末",
    "到YYYY年",
    "YYYY年",
    "YYYY-MM-DD",
)

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_PHRASE = re.compile(
    r"(?<!\d)(?P<year>\d{4})年"
    r"(?:"
    r"(?P<month>\d{1,2}|[十一二三四五六七八九]{1,2})月"
    r"(?:(?P<day>\d{1,2}|[十一二三四五六七八九]{1,3})[日号]"
    r"|(?P<xun>上旬|中旬|下旬)"
    r"|(?P<mend>底|末|份底))?"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<quarter>[1-4一二三四])季度"
    r"|(?P<yend>年底|年末|底|末)"
    r")?"
    r"(?P<before>以前|之前|前)?"
)
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")


def month_end(year, month):
    """Last day of a month.

    Parameters
    ----------
    year : int
        Gregorian year.
    month : int
        Month, 1 to 12.

    Returns
    -------
    datetime.date
        The month's last day (28 or 29 February by the Gregorian leap-year rule).
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not between 1 and 12")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _cn_int(token):
    """Integer from ASCII digits or a Chinese numeral up to 99 (``十二`` = 12, ``三十一`` = 31)."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[token]


def _normalise(text):
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)) + "年", text)


def _supported():
    return ", ".join(SUPPORTED_FORMS)


def parse_deadline(text):
    """Parse a deadline phrase of a policy document into the last day it allows.

    Parameters
    ----------
    text : str or None
        The phrase (``2020年8月底前``) or a sentence containing it; the first date expression
        in the text is used.

    Returns
    -------
    datetime.date or None
        The last day of the period the phrase names; ``None`` when the text names no date
        (e.g. ``持续推进``) or is ``None``.

    Raises
    ------
    ValueError
        When the text names an impossible date (``2020年13月``, ``2021年2月29日``) or an
        ambiguous one (``2020年8月前``, ``2022年前``); the message lists the supported forms.

    Examples
    --------
    >>> parse_deadline("2020年8月底前")
    datetime.date(2020, 8, 31)
    >>> parse_deadline("到2022年")
    datetime.date(2022, 12, 31)
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"deadline text must be a string, not {type(text).__name__}")
    norm = _normalise(text)
    iso = _ISO.search(norm)
    phrase = _PHRASE.search(norm)
    if iso and (phrase is None or iso.start() <= phrase.start()):
        try:
            return dt.date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        except ValueError as exc:
            raise ValueError(f"impossible date in {text!r}: {exc}. Supported forms: {_supported()}") from None
    if phrase is None:
        return None

    year = int(phrase["year"])
    before = phrase["before"] is not None
    try:
        if phrase["month"]:
            month = _cn_int(phrase["month"])
            if not 1 <= month <= 12:
                raise ValueError(f"month {month} is not between 1 and 12")
            if phrase["day"]:
                return dt.date(year, month, _cn_int(phrase["day"]))
            if phrase["xun"] == "上旬":
                return dt.date(year, month, 10)
            if phrase["xun"] == "中旬":
                return dt.date(year, month, 20)
            if phrase["xun"] == "下旬" or phrase["mend"]:
                return month_end(year, month)
            if before:
                raise ValueError(
                    f"ambiguous deadline {phrase.group(0)!r} in {text!r}: 'M月前' may mean before "
                    f"the month starts or by its end; write 'M月底前' or a day. Supported forms: {_supported()}"
                )
            return month_end(year, month)
        if phrase["half"]:
            return dt.date(year, 6, 30) if phrase["half"] == "上半年" else dt.date(year, 12, 31)
        if phrase["quarter"]:
            quarter = _cn_int(phrase["quarter"])
            return month_end(year, 3 * quarter)
        if phrase["yend"]:
            return dt.date(year, 12, 31)
        if before:
            raise ValueError(
                f"ambiguous deadline {phrase.group(0)!r} in {text!r}: 'YYYY年前' may mean by the end "
                f"of the year before or of that year; write 'YYYY年底前'. Supported forms: {_supported()}"
            )
        return dt.date(year, 12, 31)
    except ValueError as exc:
        if str(exc).startswith("ambiguous"):
            raise
        raise ValueError(f"impossible date in {text!r}: {exc}. Supported forms: {_supported()}") from None
