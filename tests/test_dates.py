"""opwatch.models.normalize.dates.publication_date: header dates only, never a body date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from opwatch.models.normalize.dates import find_dates, publication_date

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TODAY = date(2026, 1, 1)
BODY = (
    "Police in six countries arrested 40 people in an operation against online abuse, "
    "officials said.\nThe investigation began on 5 March 2009 and ended on 2 April 2010."
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("16/12/2011", "2011-12-16"),
        ("Wednesday 16 March 2011", "2011-03-16"),
        ("Updated: 2013-10-23 00:08", "2013-10-23"),
        ("March 16, 2011", "2011-03-16"),
        ("2011-03-16", "2011-03-16"),
        ("16.12.2011", "2011-12-16"),
        ("Posted on 3 Nov 2020", "2020-11-03"),
        ("Posted: Nov. 3rd, 2020 at 10:00 am", "2020-11-03"),
        ("Thu 03 Nov 2020 14.00 GMT", "2020-11-03"),
        ("By Jane Doe | 2 September 2019", "2019-09-02"),
        ("By Jane Doe on September 2, 2019", "2019-09-02"),
        ("Published: 10:21 AM EST, Fri March 18, 2011", "2011-03-18"),
        ("Karen Smith, Wednesday 16 March 2011 18.21 GMT", "2011-03-16"),
        ("12/16/2011", "2011-12-16"),  # day-first is impossible here
        ("03/04/2012", "2012-04-03"),  # ambiguous: day-first
        ("2012年4月3日", "2012-04-03"),
        ("16th of March, 2011", "2011-03-16"),
    ],
)
def test_header_date_forms(head: str, expected: str) -> None:
    text = f"Police dismantle network\n{head}\n\n{BODY}"
    assert publication_date(text, today=TODAY) == date.fromisoformat(expected)


def test_published_preferred_to_updated() -> None:
    text = f"Title\nUpdated: 19 March 2011\nPublished: 18 March 2011\n{BODY}"
    assert publication_date(text, today=TODAY) == date(2011, 3, 18)


def test_dateline_opening_the_first_paragraph() -> None:
    text = (
        "Title\n\nTHE HAGUE, 16 December 2011 – Police in six countries arrested 40 "
        "people in an operation, officials said."
    )
    assert publication_date(text, today=TODAY) == date(2011, 12, 16)
    text = (
        "Title\n\nOn 16 December 2011, police in six countries arrested 40 people in an "
        "operation, officials said."
    )
    assert publication_date(text, today=TODAY) is None


@pytest.mark.parametrize(
    "text",
    [
        BODY,  # body dates are events
        f"Title\n{BODY}",
        f"Title\nRaids on 5 March 2011 end with 200 arrests\n{BODY}",
        f"Title\nOperation launched on 5 March 2011 ends with 200 arrests worldwide\n{BODY}",
        "Title\nMarch 2011\n" + BODY,  # no day: unknown
        "Title\nPhone: +31(0)70 302 50 00\n" + BODY,
        "",
    ],
)
def test_no_publication_date(text: str) -> None:
    assert publication_date(text, today=TODAY) is None


def test_never_in_the_future() -> None:
    assert publication_date(f"Title\n2031-05-01\n{BODY}", today=TODAY) is None
    assert publication_date(BODY, meta_date="2031-05-01", today=TODAY) is None
    text = f"Title\n2031-05-01\n4 May 2019\n{BODY}"
    assert publication_date(text, today=TODAY) == date(2019, 5, 4)


def test_meta_date_wins() -> None:
    text = f"Title\n16/12/2011\n{BODY}"
    assert publication_date(text, meta_date="2019-05-04T10:00:00Z", today=TODAY) == date(2019, 5, 4)
    assert publication_date(text, meta_date="garbage", today=TODAY) == date(2011, 12, 16)


def test_find_dates_rejects_impossible_dates() -> None:
    assert find_dates("31/02/2011 and 2011-13-01 and 45.10.2011") == []
    assert [f.day for f in find_dates("from 1 May 2011 to 2011-06-02")] == [
        date(2011, 5, 1),
        date(2011, 6, 2),
    ]


def _gold(folder: Path) -> dict[str, str | None]:
    lines = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["doc"]: row["published"] for row in map(json.loads, filter(None, lines))}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/eval/seeds")
def test_seed_published_dates_match_gold() -> None:
    for doc, published in _gold(SEEDS).items():
        text = (SEEDS / doc).read_text(encoding="utf-8")
        got = publication_date(text, today=TODAY)
        assert (got.isoformat() if got else None) == published, doc


def test_example_txt_published_dates_match_gold() -> None:
    for doc, published in _gold(EXAMPLES).items():
        if doc.endswith(".txt"):
            text = (EXAMPLES / "articles" / doc).read_bytes().decode("utf-8", "replace")
            got = publication_date(text, today=TODAY)
            assert (got.isoformat() if got else None) == published, doc


def test_standfirst_before_the_date_line() -> None:
    text = (
        "Network smashed\nMore than 180 people were arrested worldwide after an online ring "
        "was uncovered by police.\nBy Jane Doe\n16 March 2011\n" + BODY
    )
    assert publication_date(text, today=TODAY) == date(2011, 3, 16)


def test_labelled_footer_line_only() -> None:
    assert publication_date(f"Title\n{BODY}\nPublished: 16 March 2011", today=TODAY) == date(
        2011, 3, 16
    )
    assert publication_date(f"Title\n{BODY}\nNext hearing 16 March 2012", today=TODAY) is None


def test_label_words_inside_prose_are_not_labels() -> None:
    text = (
        "Title\nThe video was posted on 5 March 2011 by a user of the forum, police said "
        "on Monday.\n" + BODY
    )
    assert publication_date(text, today=TODAY) is None
