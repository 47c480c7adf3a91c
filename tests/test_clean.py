"""opwatch.tasks.clean: HTML via trafilatura, plain text by boilerplate rules, E001/E002/E020."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from opwatch.records import Article, Problem, RawDocument, content_hash
from opwatch.settings import Settings
from opwatch.tasks.clean import clean, clean_text, is_widget_line, text_title
from opwatch.tasks.ingest import load_file

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

PLAIN = """Police break up online abuse ring\r
\r
Posted on 3 Nov 2020\r
\r
Share this:\r
Facebook | Twitter | Email\r
Print\r
\r
Police in four countries arrested 12 people in an operation, officials said.\r
\r
The investigation began last year and more arrests are expected, a spokesperson said.\r
\r
Related stories\r
Judge jails forum founder\r
New unit to fight online abuse\r
\r
PRESS OFFICE\r
press@example.org\r
Tel: +44 20 7946 0000\r
10 Example Street\r
London SW1A 1AA\r
United Kingdom\r
\r
We use cookies to improve your experience. By continuing you accept our cookie policy.\r
\r
2 comments:\r
Reader One said this is great news and thanked the police.\r
Reader Two said the police should publish the names of everybody involved.\r
Post a Comment\r
"""


def doc(text: str, kind: str = "text", **kw: object) -> RawDocument:
    return RawDocument(
        source="mem.txt", source_kind="file", content_kind=kind, text=text, encoding="utf-8", **kw
    )  # type: ignore[arg-type]


def test_plain_text_boilerplate_removed_paragraphs_kept() -> None:
    article = clean(doc(PLAIN), "run-1", NOW)
    assert isinstance(article, Article)
    assert article.text == (
        "Police break up online abuse ring\n\nPosted on 3 Nov 2020\n\n"
        "Police in four countries arrested 12 people in an operation, officials said.\n\n"
        "The investigation began last year and more arrests are expected, a spokesperson said."
    )
    assert article.article_id == content_hash(article.text)
    assert article.n_chars == len(article.text)
    assert (article.title, article.published) == (
        "Police break up online abuse ring",
        date(2020, 11, 3),
    )
    assert (article.run_id, article.first_seen, article.content_kind) == ("run-1", NOW, "text")


@pytest.mark.parametrize(
    "line",
    [
        "Share this:",
        "Print",
        "Tweet",
        "  Comments() Print Mail Large Medium  Small 分享按钮 0",
        "Email This BlogThis! Share to Twitter Share to Facebook",
        "Follow us on Twitter",
    ],
)
def test_widget_lines(line: str) -> None:
    assert is_widget_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Save the Children said 12 children were safeguarded.",
        "Print media reported the raid.",
        "Police shared intelligence with 20 countries.",
        "Comments from the minister followed.",
    ],
)
def test_prose_is_not_a_widget(line: str) -> None:
    assert not is_widget_line(line)


def test_comment_prompts_and_blog_footer() -> None:
    text = (
        "Title line\n"
        + "Police arrested nine people in a long operation, officials said.\n" * 3
        + "Posted by Admin at 9:41 PM\nLabels: police\nNo comments:\nPost a Comment\n"
        "Note: Only a member of this blog may post a comment.\nNewer Post Older Post Home\n"
        "Subscribe to: Post Comments (Atom)\n"
    )
    cleaned = clean_text(text)
    assert (
        cleaned.splitlines()[-1]
        == "Police arrested nine people in a long operation, officials said."
    )
    assert "comment" not in cleaned.lower()


def test_title_skips_date_and_label_lines() -> None:
    assert text_title("\n16/12/2011\n\nPRESS RELEASE\n\nEuropol supports operation\n") == (
        "Europol supports operation"
    )


@pytest.mark.parametrize(("text", "code"), [("", "E001"), ("  \n\t \r\n", "E002")])
def test_empty_documents(text: str, code: str) -> None:
    problem = clean(doc(text), "run-1", NOW)
    assert isinstance(problem, Problem)
    assert (problem.code, problem.stage, problem.source) == (code, "clean", "mem.txt")


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<div class='cookie'>We use cookies. <button>Accept</button></div>"
        "<footer>© 2019 Example</footer></body></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
        "<<<>>> not really html at all",
    ],
)
def test_html_without_main_text(html: str) -> None:
    problem = clean(doc(html, "html"), "run-1", NOW)
    assert isinstance(problem, Problem) and problem.code == "E020"


def test_boilerplate_only_text_is_e020() -> None:
    problem = clean(doc("Share this:\nPrint\nTweet\n"), "run-1", NOW)
    assert isinstance(problem, Problem) and problem.code == "E020"


def _gold(folder: Path) -> dict[str, dict]:
    lines = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["doc"]: row for row in map(json.loads, filter(None, lines))}


def test_examples_clean_with_gold_dates() -> None:
    settings = Settings()
    for name, gold in _gold(EXAMPLES).items():
        article = clean(load_file(EXAMPLES / "articles" / name, settings), "run-1", NOW)
        assert isinstance(article, Article), name
        got = article.published.isoformat() if article.published else None
        assert got == gold["published"], name
        for operation in gold["operations"]:
            assert operation.split()[-1] in article.text, name
        lowered = article.text.lower()
        for junk in (
            "cookie",
            "share this",
            "related articles",
            "all rights reserved",
            "post a comment",
            "@example",
            "5550 0199",
        ):
            assert junk not in lowered, (name, junk)


def test_html_example_metadata_and_no_reader_comments() -> None:
    page = load_file(EXAMPLES / "articles" / "107_nightjar_bay.html", Settings())
    article = clean(page, "run-1", NOW)
    assert isinstance(article, Article)
    assert article.sitename == "Asia Crime Desk"
    assert article.title == "INTERPOL operation in South-East Asia identifies 85 suspects"
    assert "Bangkok" not in article.text and "85 suspects" in article.text


def test_html_date_from_visible_header_when_no_metadata() -> None:
    page = load_file(EXAMPLES / "articles" / "103_copper_kestrel.html", Settings())
    article = clean(page, "run-1", NOW)
    assert isinstance(article, Article) and article.published == date(2017, 3, 14)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/eval/seeds")
def test_seeds_lose_boilerplate_keep_body() -> None:
    settings = Settings()
    for path in sorted(SEEDS.glob("*.txt")):
        raw = load_file(path, settings)
        article = clean(raw, "run-1", NOW)
        assert isinstance(article, Article), path.name
        text = article.text
        for junk in (
            "No comments:",
            "Post a Comment",
            "Only a member of this blog",
            "CORPORATE COMMUNICATIONS",
            "Phone:",
            "Fax:",
            "P.O. Box",
            "Comments()",
            "分享按钮",
            "@",
        ):
            assert junk not in text, (path.name, junk)
        # Every paragraph of real prose survives, word for word.
        for line in raw.text.splitlines():
            line = line.strip()
            if len(line.split()) >= 12 and "Post a Comment" not in line:
                assert line in text, (path.name, line[:60])


def test_html_byline_date_used_body_dates_ignored() -> None:
    body = (
        "<p>Police in four countries arrested 12 people in an operation that began on 5 March "
        "2009, officials said on Monday.</p><p>The investigation continues, and more arrests "
        "are expected in the coming weeks, a spokesperson said.</p>"
    )
    with_byline = f"<html><body><article><h1>Raids</h1><p>By Jo Lane · 9 June 2021</p>{body}"
    plain = f"<html><body><article><h1>Raids</h1>{body}</article></body></html>"
    got = [clean(doc(h, "html"), "run-1", NOW) for h in (with_byline, plain)]
    assert all(isinstance(a, Article) for a in got)
    assert [a.published for a in got] == [date(2021, 6, 9), None]  # type: ignore[union-attr]


def test_feed_date_is_a_fallback() -> None:
    text = "Raids\n\nPolice in four countries arrested 12 people in an operation, officials said."
    article = clean(doc(text, feed_published=date(2020, 5, 1)), "run-1", NOW)
    assert isinstance(article, Article) and article.published == date(2020, 5, 1)
