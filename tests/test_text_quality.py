"""Text that is not text: invisible characters, spaceless scripts, UTF-16 without a BOM,
junk decodes, mojibake and lying charsets. All sentences are written for these tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from opwatch.models.figures.numbers import scan_numbers
from opwatch.records import Article, Problem, RawDocument
from opwatch.settings import Settings
from opwatch.tasks.clean import clean
from opwatch.tasks.ingest import decode_bytes, load_file, read_file
from opwatch.tasks.text_quality import garbled_reason, remove_invisible, too_short

NOW = datetime(2024, 5, 1, tzinfo=UTC)
ENGLISH = (
    "Officers in four provinces arrested nine men on Thursday after a two-year inquiry "
    "into a hidden forum. The agency said more people are expected to be charged.\n"
)
FRENCH = (
    "Les enquêteurs ont arrêté neuf hommes jeudi après une enquête de deux ans sur un "
    "forum caché. L'agence a précisé que d'autres personnes seront inculpées bientôt.\n"
)


def doc(text: str, kind: str = "text") -> RawDocument:
    return RawDocument(
        source="t.txt", source_kind="file", content_kind=kind, text=text, encoding="utf-8"
    )


def cleaned(text: str, kind: str = "text") -> Article | Problem:
    return clean(doc(text, kind), "run-t", NOW)


def file_article(tmp_path: Path, data: bytes, name: str = "a.txt") -> Article | Problem:
    path = tmp_path / name
    path.write_bytes(data)
    raw = read_file(path, Settings())
    return raw if isinstance(raw, Problem) else clean(raw, "run-t", NOW)


# ---------------------------------------------------------------- invisible characters


def test_zero_width_inside_a_number_gives_one_figure() -> None:
    article = cleaned("Police said 1\u200b2 arrested in the raid on Monday, and more to come.\n")
    assert isinstance(article, Article) and "12 arrested" in article.text
    numbers = [n for n in scan_numbers(article.text) if n.value is not None]
    assert [(n.value, article.text[n.start : n.end]) for n in numbers] == [(12.0, "12")]


def test_invisible_characters_removed_and_offsets_exact() -> None:
    text = (
        "Nine\u00ad people were ar\u200drested in Lyon\u2060 by \u202aofficers\u202c on Friday.\n"
    )
    article = cleaned(text * 2)
    assert isinstance(article, Article)
    assert article.text.startswith("Nine people were arrested in Lyon by officers on Friday.")
    assert article.n_chars == len(article.text)
    start = article.text.index("Lyon")
    assert article.text[start : start + 4] == "Lyon"


def test_joiners_kept_where_a_script_needs_them() -> None:
    persian = "\u0645\u06cc\u200c\u0634\u0648\u062f"  # a word written with a ZWNJ
    assert remove_invisible(persian) == persian
    assert remove_invisible("1\u200c2 and a\u200db") == "12 and ab"


# ---------------------------------------------------------------- spaceless scripts


@pytest.mark.parametrize(
    "text",
    [
        "警方在三个城市逮捕了九名嫌疑人，调查仍在继续，更多细节将在下周公布。",
        "警察は三つの都市で九人を逮捕したと発表し、捜査は今も続いている。",
    ],
)
def test_chinese_and_japanese_are_measured_in_characters(text: str) -> None:
    article = cleaned(text + "\n")
    assert isinstance(article, Article), article


def test_short_spaceless_text_is_too_short_in_characters() -> None:
    problem = cleaned("警方逮捕了九人。\n")
    assert isinstance(problem, Problem) and problem.code == "E020"
    assert "characters" in problem.message
    assert too_short("one two three", 8) == "only 3 words after cleaning"


# ---------------------------------------------------------------- UTF-16 without a BOM


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text_not_binary(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes((ENGLISH + FRENCH).encode(encoding))
    raw = load_file(path, Settings())
    assert raw.encoding == encoding and raw.text == ENGLISH + FRENCH


# ---------------------------------------------------------------- junk and mojibake


def test_high_bytes_are_not_an_article(tmp_path: Path) -> None:
    got = file_article(tmp_path, bytes(range(0x80, 0x100)) * 40)
    assert isinstance(got, Problem) and got.code in ("E003", "E022")


def test_random_cp1252_letters_are_not_an_article(tmp_path: Path) -> None:
    rng = random.Random(7)
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    alphabet = [b for b in range(0x80, 0x100) if b not in undefined]
    data = bytes(rng.choice(alphabet) if rng.random() > 0.15 else 0x20 for _ in range(6000))
    got = file_article(tmp_path, data)
    assert isinstance(got, Problem) and got.code in ("E003", "E022"), got


def test_a_lying_meta_charset_does_not_garble_utf8(tmp_path: Path) -> None:
    html = f"<html><head><meta charset='iso-8859-1'></head><body><p>{FRENCH}</p></body></html>"
    text, encoding, errors = decode_bytes(html.encode("utf-8"))
    assert encoding == "utf-8" and "enquêteurs" in text and not errors


def test_mojibake_is_quarantined() -> None:
    garbled = FRENCH.encode("utf-8").decode("cp1252") * 2  # "enquÃªteurs", "arrÃªtÃ©"
    problem = cleaned(garbled)
    assert isinstance(problem, Problem) and problem.code == "E022"
    assert "mojibake" in problem.message


def test_a_wrong_single_byte_charset_is_quarantined() -> None:
    greek_for_french = FRENCH.encode("cp1252").decode("cp1253") * 2  # letters of two scripts
    problem = cleaned(greek_for_french)
    assert isinstance(problem, Problem) and problem.code == "E022"


def test_many_replaced_bytes_are_quarantined() -> None:
    broken = "".join(ch + ("\ufffd" if i % 9 == 0 else "") for i, ch in enumerate(ENGLISH * 2))
    problem = cleaned(broken)
    assert isinstance(problem, Problem) and "undecodable" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH,
        FRENCH,
        "Die Ermittler nahmen am Donnerstag neun Männer fest; weitere Anklagen würden folgen.\n",
        "Полиция задержала девять человек после двухлетнего расследования, сообщило ведомство.\n",
        "Η αστυνομία συνέλαβε εννέα άνδρες μετά από έρευνα δύο ετών, ανακοίνωσε η υπηρεσία.\n",
        "Police seized 3 TB of data (about €40,000 worth) — 2 laptops & 14 phones; see § 4.\n",
    ],
)
def test_real_language_passes_the_gate(text: str) -> None:
    assert garbled_reason(text * 3) is None
