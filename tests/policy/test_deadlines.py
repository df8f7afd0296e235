"""Deadline phrases of the seed documents -> dates (hand-computed from the Gregorian calendar).

Dates are exact: every assertion compares with ``==`` (tolerance: none, whole days).
"""

import datetime as dt

import pytest

from rollout5g.policy.deadlines import month_end, parse_deadline

D = dt.date


@pytest.mark.parametrize(
    "text,expected",
    [
        # the seeds' own phrases
        ("2020年8月底前", D(2020, 8, 31)),  # Zhejiang task 3
        ("2020年9月底前", D(2020, 9, 30)),  # Zhejiang tasks 5 and 9
        ("到2022年", D(2022, 12, 31)),  # Zhejiang task 15
        ("2019年底", D(2019, 12, 31)),  # Jiaxing 一(二)
        ("到2021年", D(2021, 12, 31)),  # Jiaxing 一(二)
        ("到2025年", D(2025, 12, 31)),  # Jiaxing 一(二)
        ("2020年", D(2020, 12, 31)),
        # month ends
        ("2020年4月底前", D(2020, 4, 30)),
        ("2020年12月底", D(2020, 12, 31)),
        ("2020年6月末", D(2020, 6, 30)),
        ("2021年11月", D(2021, 11, 30)),
        ("2021年1月底前", D(2021, 1, 31)),
        # February and leap years (2020 and 2000 leap, 2021 and 2100 not)
        ("2020年2月底前", D(2020, 2, 29)),
        ("2021年2月底前", D(2021, 2, 28)),
        ("2000年2月底", D(2000, 2, 29)),
        ("2100年2月底", D(2100, 2, 28)),
        ("2024年2月29日前", D(2024, 2, 29)),
        # days, ten-day periods, halves and quarters
        ("2020年8月15日前", D(2020, 8, 15)),
        ("2020年8月15号", D(2020, 8, 15)),
        ("2020年8月上旬", D(2020, 8, 10)),
        ("2020年8月中旬", D(2020, 8, 20)),
        ("2020年8月下旬", D(2020, 8, 31)),
        ("2020年2月下旬", D(2020, 2, 29)),
        ("2020年上半年", D(2020, 6, 30)),
        ("2020年下半年", D(2020, 12, 31)),
        ("2020年第一季度", D(2020, 3, 31)),
        ("2020年第三季度", D(2020, 9, 30)),
        ("2020年4季度", D(2020, 12, 31)),
        # year ends
        ("2019年底前", D(2019, 12, 31)),
        ("2019年年底前", D(2019, 12, 31)),
        ("2019年末", D(2019, 12, 31)),
        ("到2021年底", D(2021, 12, 31)),
        # ISO, full-width digits, Chinese numerals, spaces
        ("2020-08-31", D(2020, 8, 31)),
        ("２０２０年８月底前", D(2020, 8, 31)),
        ("二〇二〇年八月底前", D(2020, 8, 31)),
        ("2020年十二月底", D(2020, 12, 31)),
        ("2020年8月三十一日", D(2020, 8, 31)),
        ("2020 年 8 月底前", D(2020, 8, 31)),
        # a whole sentence: the first date expression counts
        ("2020年8月底前，指导各市编制发布5G基站站址专项规划", D(2020, 8, 31)),
        ("到2022年，培育发展20家5G骨干企业。", D(2022, 12, 31)),
    ],
)
def test_parse_deadline(text, expected):
    assert parse_deadline(text) == expected  # exact date


@pytest.mark.parametrize("text", [None, "", "持续推进", "长期坚持", "超1000个", "浙政发〔2019〕11号"])
def test_no_date_gives_none(text):
    assert parse_deadline(text) is None


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("2020年13月底前", "impossible"),
        ("2021年2月29日", "impossible"),
        ("2020年4月31日", "impossible"),
        ("2020-02-30", "impossible"),
        ("2020年8月前", "ambiguous"),
        ("2022年前", "ambiguous"),
    ],
)
def test_bad_or_ambiguous_phrases_raise(text, fragment):
    with pytest.raises(ValueError, match=fragment) as info:
        parse_deadline(text)
    assert "YYYY年M月底前" in str(info.value)  # the message lists the supported forms


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError):
        parse_deadline(20200831)


@pytest.mark.parametrize(
    "year,month,day",
    [
        (2019, 1, 31),
        (2019, 2, 28),
        (2020, 2, 29),
        (1900, 2, 28),
        (2000, 2, 29),
        (2019, 4, 30),
        (2019, 12, 31),
    ],
)
def test_month_end(year, month, day):
    assert month_end(year, month) == D(year, month, day)  # exact


def test_month_end_rejects_month_13():
    with pytest.raises(ValueError, match="between 1 and 12"):
        month_end(2020, 13)
