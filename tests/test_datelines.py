"""The dateline grammar and label set: every form of a publication date we read.

All sentences are invented for these tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from opwatch.models.normalize.date_grammar import (
    date_spans,
    numeric_order,
    parse_span,
    site_country,
)
from opwatch.models.normalize.dates import labelled_opening, publication_date
from opwatch.records import RawDocument
from opwatch.tasks.clean import clean

TODAY = date(2026, 1, 1)
TITLE = "Police close a forum used by offenders"
BODY = (
    "Officers in four countries searched 30 homes in a coordinated action against an "
    "online forum, the prosecutor's office said.\nThe forum had been running since 2 May "
    "2012, investigators said, and was closed on 9 August 2014."
)


def _date(text: str, **kwargs) -> str | None:
    found = publication_date(text, today=TODAY, **kwargs)
    return found.isoformat() if found else None


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("LISBON, 4 June 2015 – Police in Portugal", "2015-06-04"),
        ("LISBON (June 4, 2015) – Police in Portugal", "2015-06-04"),
        ("LISBON (June 4, 2015): Police in Portugal", "2015-06-04"),
        ("LISBON, June 4, 2015 (Reuters) - Police in Portugal", "2015-06-04"),
        ("LISBON (AP) 4 June 2015 — Police in Portugal", "2015-06-04"),
        ("OTTAWA, Ontario--(Newswire - June 4, 2015) - Police in Canada", "2015-06-04"),
        ("DUBLIN, Ireland, 4th June, 2015 — Police in Ireland", "2015-06-04"),
        ("LISBON, 4 June 2015 10:30 CET - Police in Portugal", "2015-06-04"),
    ],
)
def test_wire_datelines(opening: str, expected: str) -> None:
    text = f"{TITLE}\n\n{opening} arrested 12 men after a year-long inquiry, officers said."
    assert _date(text) == expected


@pytest.mark.parametrize(
    "opening",
    [
        "On 4 June 2015, police in Portugal",
        "Police said (June 4, 2015) that officers in Portugal",
        "Since 4 June 2015 police in Portugal",
    ],
)
def test_sentences_that_start_with_a_date_are_not_datelines(opening: str) -> None:
    text = f"{TITLE}\n\n{opening} arrested 12 men after a year-long inquiry, officers said."
    assert _date(text) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14th March, 2017", "2017-03-14"),
        ("March 14th, 2017", "2017-03-14"),
        ("the 2nd of May 2019", "2019-05-02"),
        ("1st June 2020", "2020-06-01"),
        ("Sun 21st Sept 2025, 8:40 PM", "2025-09-21"),
        ("Wednesday, 3rd of April 2019", "2019-04-03"),
    ],
)
def test_ordinal_days(line: str, expected: str) -> None:
    assert _date(f"{TITLE}\n{line}\n{BODY}") == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 14th March, 2017", "2017-03-14"),
        ("Posted on March 14, 2017 by admin", "2017-03-14"),
        ("Posted on: 14/03/2017", "2017-03-14"),
        ("Updated 9 May 2019", "2019-05-09"),
        ("Last updated: 9 May 2019, 14:02 BST", "2019-05-09"),
        ("Published 3 May 2019 · Updated 5 May 2019", "2019-05-03"),
        ("Updated 5 May 2019 · Published 3 May 2019", "2019-05-03"),
        ("First published in the Evening Lantern, 2 May 2019", "2019-05-02"),
        ("Publication date: 2019-05-02", "2019-05-02"),
        ("04/06/2015 09h05 - Atualizado em 05/06/2015 10h40", "2015-06-04"),
        ("Ana Costa | 4 June 2015 | 5 min read", "2015-06-04"),
    ],
)
def test_labelled_date_lines(line: str, expected: str) -> None:
    assert _date(f"{TITLE}\n{line}\n{BODY}") == expected


def test_a_labelled_date_opening_a_prose_line() -> None:
    prose = "Police in Lisbon arrested 12 men after a year-long inquiry, officers said."
    assert _date(f"date 2022-09-08 {prose}\n{BODY}") == "2022-09-08"
    assert _date(f"{TITLE}\nPublished 4 June 2015 {prose}\n{BODY}") == "2015-06-04"
    assert labelled_opening(f"Posted on June 4, 2015 at 10:05 am {prose}") == date(2015, 6, 4)
    assert labelled_opening("Posted on 5 March 2011 by a user, the video spread") is None
    assert labelled_opening("Released 5 March 2011, the report says little") is None
    assert labelled_opening("The report was released on 5 March 2011.") is None


def test_page_chrome_date_above_the_headline_loses_to_the_article_date() -> None:
    text = f"Friday 5 June 2015\nHome | World\n{TITLE}\nBy Ana Costa\n4 June 2015\n{BODY}"
    assert _date(text) == "2015-06-04"


def test_todays_date_loses_to_another_date() -> None:
    text = f"{TITLE}\n1 January 2026\nBy Ana Costa, 4 June 2015\n{BODY}"
    assert _date(text) == "2015-06-04"


def test_a_labelled_date_of_today_is_kept() -> None:
    text = f"{TITLE}\nPublished 1 January 2026\nRaid of 30 December 2025\n{BODY}"
    assert _date(text) == "2026-01-01"


def test_a_lone_date_above_the_headline_is_kept() -> None:
    assert _date(f"May 02, 2019\n{TITLE}\n{BODY}") == "2019-05-02"
    assert _date(f"1 January 2026\n{TITLE}\n{BODY}") == "2026-01-01"


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        (None, "2012-04-03"),  # nothing tells: day-first
        ("https://www.example.com.au/news/1", "2012-04-03"),
        ("news.example.co.uk", "2012-04-03"),
        ("https://www.example.gov/news/1", "2012-03-04"),
        ("https://example.us/story", "2012-03-04"),
    ],
)
def test_numeric_order_from_the_outlet(site: str | None, expected: str) -> None:
    assert _date(f"{TITLE}\n03/04/2012\n{BODY}", site=site) == expected


def test_numeric_order_from_other_dates_in_the_text() -> None:
    month_first = f"{TITLE}\n03/04/2012\n{BODY}\nThe next hearing is set for 12/20/2012."
    assert _date(month_first) == "2012-03-04"
    day_first = f"{TITLE}\n03/04/2012\n{BODY}\nThe next hearing is set for 20/12/2012."
    assert _date(day_first, site="https://www.example.gov/") == "2012-04-03"
    us_style = (
        f"{TITLE}\n03/04/2012\nPolice said on March 2 that the men were held on February "
        "28 and charged on March 1 after a search of their homes."
    )
    assert _date(us_style) == "2012-03-04"


def test_two_digit_years() -> None:
    assert _date(f"{TITLE}\n04/06/15 Ana Costa\n{BODY}") == "2015-06-04"
    assert _date(f"{TITLE}\n04/06/15 Ana Costa\n{BODY}", site="example.gov") == "2015-04-06"
    assert _date(f"{TITLE}\n04.06.15\n{BODY}") == "2015-06-04"


def test_spans_and_parsing() -> None:
    assert date_spans("Operation 24/7 and version 2.3.11") == []
    assert [kind for *_, kind in date_spans("2015-06-04, 4/6/2015, 4 June 2015")] == [
        "ymd",
        "numeric",
        "named",
    ]
    assert parse_span("2011年3月16日", "cjk") == date(2011, 3, 16)
    assert parse_span("2011-13-01", "ymd") is None
    assert parse_span("12/16/2011", "numeric", "DMY") == date(2011, 12, 16)
    assert parse_span("31/02/2011", "numeric") is None


def test_site_country_and_order() -> None:
    assert site_country("https://www.bbc.co.uk/news") == "uk"
    assert site_country("localhost") is None
    assert site_country(None) is None
    assert numeric_order("nothing to tell") == "DMY"
    assert numeric_order("held on 12/20/2012 and 3/4/2012") == "MDY"


def test_clean_reads_the_site_for_the_order() -> None:
    doc = RawDocument(
        source="story.txt",
        source_kind="url",
        content_kind="text",
        text=f"{TITLE}\n03/04/2012\n\n{BODY}",
        encoding="utf-8",
        url="https://www.example.gov/news/story",
    )
    article = clean(doc, "test", datetime(2026, 1, 1, tzinfo=UTC))
    assert article.published == date(2012, 3, 4)


def test_page_chrome_date_loses_to_a_wire_dateline() -> None:
    text = (
        f"Friday 5 June 2015\n{TITLE}\n\nLISBON, 3 June 2015 – Police in Portugal arrested "
        "12 men after a year-long inquiry, officers said."
    )
    assert _date(text) == "2015-06-03"


@pytest.mark.parametrize(
    "last_line",
    [
        "Published: 4 June 2015",
        "Originally published June 4, 2015",
        "This article was first published on 4 June 2015.",
    ],
)
def test_labelled_footer_lines(last_line: str) -> None:
    assert _date(f"{TITLE}\n{BODY}\n{last_line}") == "2015-06-04"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Publicado em 27 de julho de 2010 17h19", "2010-07-27"),
        ("Veröffentlicht am 16. März 2011", "2011-03-16"),
        ("Publié le 3 août 2019 à 10h05", "2019-08-03"),
        ("12 settembre 2018", "2018-09-12"),
    ],
)
def test_dates_in_page_furniture_left_untranslated(line: str, expected: str) -> None:
    assert _date(f"{TITLE}\n{line}\n{BODY}") == expected
    prose = "Police in Lisbon arrested 12 men after a year-long inquiry, officers said."
    if line.startswith("Publi"):
        assert labelled_opening(f"{line} {prose}") == date.fromisoformat(expected)
