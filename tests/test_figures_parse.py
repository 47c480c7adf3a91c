"""Number parsing: separators, words, scales, vague, redacted, units, qualifiers, non-counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opwatch.models.figures import parse_number, scan_numbers
from opwatch.models.figures.numbers import words_value

_ONES = [
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        words = (
            _ONES[rest]
            if rest < 20
            else "-".join(w for w in (_TENS[rest // 10], _ONES[rest % 10]) if w)
        )
        parts.append(("and " if hundreds else "") + words)
    return " ".join(parts)


def _spell(n: int) -> str:
    thousands, rest = divmod(n, 1000)
    head = f"{_below_thousand(thousands)} thousand" if thousands else ""
    return " ".join(p for p in (head, _below_thousand(rest)) if p)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=999_999_999),
    st.sampled_from([",", " ", "\u00a0", "\u2009", "\u202f"]),
)
def test_digits_with_separators_round_trip(n: int, sep: str) -> None:
    surface = f"{n:,}".replace(",", sep)
    parsed = parse_number(f"Police arrested {surface} suspects.")
    assert parsed is not None
    assert parsed.text == surface
    assert parsed.value == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999_999))
def test_number_words_round_trip(n: int) -> None:
    words = _spell(n)
    assert words_value(words) == n
    parsed = parse_number(f"They found {words} files.")
    assert parsed is not None and parsed.value == n and parsed.text == words


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from([("million", 1e6), ("billion", 1e9), ("trillion", 1e12)]),
)
def test_decimal_scales(whole: int, tenth: int, scale: tuple[str, float]) -> None:
    parsed = parse_number(f"about {whole}.{tenth} {scale[0]} users")
    assert parsed is not None
    assert parsed.value == pytest.approx((whole + tenth / 10) * scale[1])
    assert parsed.qualifier == "approx"


@pytest.mark.parametrize(
    ("text", "surface", "value", "qualifier", "unit"),
    [
        ("1,700 people", "1,700", 1700, "exact", None),
        ("150 000 images", "150 000", 150000, "exact", "images"),
        ("18.000 suspects were held", "18.000", 18000, "exact", None),
        ("1.3 million users", "1.3 million", 1.3e6, "exact", None),
        ("4 trillion bytes of material", "4 trillion", 4e12, "exact", "bytes"),
        ("29 terabytes of data", "29", 29e12, "exact", "bytes"),
        ("a 2TB drive", "2", 2e12, "exact", "bytes"),
        ("two dozen men", "two dozen", 24, "exact", None),
        ("Eighteen of the sites", "Eighteen", 18, "exact", None),
        ("a hundred and twelve children", "a hundred and twelve", 112, "exact", None),
        ("one man was arrested", "one", 1, "exact", None),
        ("more than 250 arrests", "250", 250, "at_least", None),
        ("over 500 offenders", "500", 500, "at_least", None),
        ("at least 48 sites", "48", 48, "at_least", None),
        ("250+ arrests", "250", 250, "at_least", None),
        ("up to two years", "two", 2, "at_most", None),
        ("fewer than 30 cases", "30", 30, "at_most", None),
        ("almost 3,000 images", "3,000", 3000, "approx", "images"),
        ("nearly 90 victims", "90", 90, "approx", None),
        ("some 300 people", "300", 300, "approx", None),
        ("around 40 countries", "40", 40, "approx", None),
        ("16,000 DVDs were seized", "16,000", 16000, "exact", "DVD"),
        ("900 hours of video", "900", 900, "exact", "hours"),
        ("80,000 yuan", "80,000", 80000, "exact", "CNY"),
        ("($13,000)", "$13,000", 13000, "exact", "USD"),
        ("US$5 million", "US$5 million", 5e6, "exact", "USD"),
        ("€2.5m in cash", "€2.5m", 2.5e6, "exact", "EUR"),
        ("£1,200 fine", "£1,200", 1200, "exact", "GBP"),
        ("RMB 50,000", "50,000", 50000, "exact", "CNY"),
        ("1,5 million euros", "1,5 million", 1.5e6, "exact", "EUR"),
    ],
)
def test_table(text: str, surface: str, value: float, qualifier: str, unit: str | None) -> None:
    parsed = parse_number(text)
    assert parsed is not None
    assert (parsed.text, parsed.qualifier, parsed.unit) == (surface, qualifier, unit)
    assert parsed.value == pytest.approx(value)
    assert text[parsed.start : parsed.end] == surface


def test_range_gives_two_bounds() -> None:
    low, high = scan_numbers("victims aged between 23 and 72 were found")
    assert (low.value, low.qualifier) == (23, "at_least")
    assert (high.value, high.qualifier) == (72, "at_most")


@pytest.mark.parametrize(
    "text",
    [
        "hundreds of arrests",
        "dozens of agencies",
        "thousands of images",
        "several hundred suspects",
        "tens of thousands of files",
    ],
)
def test_vague_quantities_have_no_value(text: str) -> None:
    parsed = parse_number(text)
    assert parsed is not None
    assert parsed.vague and parsed.value is None and not parsed.redacted
    assert parsed.qualifier == "approx"


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("2xx suspects identified", "2xx"),
        ("and xxx arrested", "xxx"),
        ("the XXX suspects", "XXX"),
        ("the XX participating countries", "XX"),
        ("from xx European countries", "xx"),
    ],
)
def test_placeholders_are_redacted(text: str, surface: str) -> None:
    parsed = parse_number(text)
    assert parsed is not None
    assert parsed.redacted and parsed.value is None and parsed.text == surface


@pytest.mark.parametrize(
    "text",
    [
        "corporate.communicationx@xxxxxxxxxxxxxpa.eu",
        "Updated: 2013-10-23 00:08",
        "on April 17, police",
        "Wednesday 16 March 2011",
        "40 per cent",
        "12% of cases",
        "Phone: +31(0)70 302 50 00",
        "Call 0800 555 111 now",
        "2509 LW The Hague",
        "P.O. Box 908 50",
        "created in 2008",
        "in the 1990s",
        "the 1st time",
        "16/12/2011",
        "one of the largest",
        "No one was hurt",
        "at 10 a.m. on Monday",
    ],
)
def test_not_counts(text: str) -> None:
    assert scan_numbers(text) == []


def test_offsets_are_exact() -> None:
    text = "Police held 1,700 people, two dozen in Oslo, and seized \u20ac2.5m.\n"
    for num in scan_numbers(text):
        assert text[num.start : num.end] == num.text
