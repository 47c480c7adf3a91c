"""End to end: one real `opwatch run` over a folder of bad inputs beside good articles.

Every case is a row of CASES (the kinds listed in README "Reliability: bad input"). For each
one the test checks the run's exit status, that the quarantine row's reason names the
expected code or phrase, and that every readable input was loaded as an article.
"""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO
from tests.local_http import Server

pytestmark = pytest.mark.slow

LOADED = "loaded"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
MAX_BYTES = 1_500_000  # small enough for a cheap "over the cap" file, big enough for 1 MB cases


def story(tag: str) -> str:
    """A short invented article; `tag` makes its text (and so its hash) unique."""
    return (
        f"Police in the town of {tag} arrest twelve people in a joint operation\n\n"
        f"Officers from the {tag} regional police and a national cyber unit arrested 12 "
        "people on Monday after a months-long investigation into the online sharing of "
        "abuse images, the prosecutor's office said in a statement.\n\n"
        f"Operation {tag} began when an internet provider reported suspicious uploads. "
        "Investigators searched 9 homes and seized 41 phones, laptops and hard drives.\n\n"
        "Four children were identified and placed in safe care, the statement added. The "
        "suspects, aged between 24 and 63, will appear in court next month.\n"
    )


def html_page(tag: str, charset: str = "utf-8", body: str | None = None) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in (body or story(tag)).split("\n\n"))
    return (
        f'<html><head><meta charset="{charset}"><title>Operation {tag}</title></head>'
        f"<body><article><h1>Operation {tag}</h1>{paragraphs}</article></body></html>"
    )


def bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed twice: a few KB on the wire."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    once = b"".join(inner.compress(chunk) for _ in range(size >> 20)) + inner.flush()
    return gzip.compress(once, 9)


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # file name in the inbox, or "url:/path" on the local server, or a literal
    expected: str  # LOADED, or a code / phrase the quarantine reason must contain
    root_skip: bool = False  # permissions mean nothing to root


CASES = [
    Case("good text article", "good_alderpool.txt", LOADED),
    Case("good HTML article", "good_brackenford.html", LOADED),
    Case("empty file", "empty.txt", "E001"),
    Case("only whitespace", "blank.txt", "E002"),
    Case("NUL bytes", "nul.txt", "E003"),
    Case("PNG magic bytes", "photo.txt", "E003"),
    Case("PDF magic bytes", "report.html", "E003"),
    Case("MP4 magic bytes", "clip.txt", "E003"),
    Case("control characters", "control.txt", "E003"),
    Case("over OPWATCH_MAX_BYTES", "huge.txt", "E004"),
    Case("missing path", "missing:", "E005"),
    Case("unreadable file", "locked.txt", "E005", root_skip=True),
    Case("non-UTF-8 file name", "raid\udcff.txt", LOADED),
    Case("symlink loop to a folder above", "sub/loop", "symlink loop"),
    Case("symlink to itself", "self_link.txt", "symlink loop"),
    Case("broken symlink", "dangling.txt", "broken symlink"),
    Case("FIFO", "pipe.txt", "named pipe (FIFO)"),
    Case("socket", "sock.txt", "a socket"),
    Case("folder that cannot be listed", "closed", "folder cannot be read", root_skip=True),
    Case("bytes 0x80-0xFF", "junk.txt", "E022"),
    Case("mojibake", "mojibake.txt", "E022"),
    Case("mostly symbols", "symbols.txt", "E022"),
    Case("UTF-16 without BOM", "utf16.txt", LOADED),
    Case("zero-width digit split", "zero_width.txt", LOADED),
    Case("Chinese article", "chinese.txt", LOADED),
    Case("a few undecodable bytes", "few_bad_bytes.txt", LOADED),
    Case("meta charset that lies", "lying_charset.html", LOADED),
    Case("1 MB single line", "one_line.txt", "E031"),
    Case("10,000 numbers", "numbers.txt", "E032"),
    Case("HTML without main text", "nav_only.html", "E020"),
    Case("too short", "short.txt", "E020"),
    Case("duplicate of another article", "zz_copy_of_alderpool.txt", "E021"),
    Case("good URL", "url:/page.html", LOADED),
    Case("credentials in URL", "cred:/secret.html", LOADED),
    Case("HTTP 404", "url:/missing", "E010"),
    Case("HTTP 500", "url:/broken", "E010"),
    Case("media content type", "url:/image", "E011"),
    Case("media file in URL path", "url:/photo.JPG", "E011"),
    Case("unsupported Content-Encoding", "url:/brotli", "E011"),
    Case("gzip bomb", "url:/bomb", "E004"),
    Case("broken feed", "url:/feed.xml", "E015"),
    Case("javascript: URL", "javascript:alert(1)", "E016"),
    Case("ftp:// URL", "ftp://127.0.0.1/story.txt", "E016"),
]
# Inputs that load as an article *and* get a quarantine row (kept without facts).
KEPT_WITHOUT_FACTS = {"E031", "E032"}


def write_inbox(inbox: Path) -> None:
    """Every file case of CASES, side by side in one folder."""
    inbox.mkdir()
    (inbox / "good_alderpool.txt").write_text(story("Alderpool"))
    (inbox / "good_brackenford.html").write_text(html_page("Brackenford"))
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "blank.txt").write_text("  \n\t\n   \r\n")
    (inbox / "nul.txt").write_bytes(story("Nullhaven").encode().replace(b" ", b"\0"))
    (inbox / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (inbox / "report.html").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n" * 50)
    (inbox / "clip.txt").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    (inbox / "control.txt").write_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10" * 200)
    (inbox / "huge.txt").write_text(story("Hugeley") * (MAX_BYTES // 500))
    locked = inbox / "locked.txt"
    locked.write_text(story("Lockwood"))
    locked.chmod(0)
    (inbox / os.fsdecode(b"raid\xff.txt")).write_text(story("Ravenmoor"))
    (inbox / "sub").mkdir()
    (inbox / "sub" / "loop").symlink_to("..")
    (inbox / "self_link.txt").symlink_to("self_link.txt")
    (inbox / "dangling.txt").symlink_to("nowhere.txt")
    os.mkfifo(inbox / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sock.txt"))
    sock.close()
    closed = inbox / "closed"
    closed.mkdir()
    (closed / "inside.txt").write_text(story("Shutterfield"))
    closed.chmod(0)
    (inbox / "junk.txt").write_bytes(bytes(range(0x80, 0x100)) * 40)
    (inbox / "mojibake.txt").write_text(
        story("Ã©tienne â€™ MontrÃ©al").replace("e", "Ã©").replace("'", "â€™")
    )
    (inbox / "symbols.txt").write_text("#$%&*+=<>|~^" * 60 + "\n" + "@@ !! ?? ## " * 50)
    (inbox / "utf16.txt").write_bytes(story("Sixteenbury").encode("utf-16-le"))
    (inbox / "zero_width.txt").write_text(
        story("Zedwick").replace("arrested 12 people", "arrested 1\u200b2 people")
    )
    (inbox / "chinese.txt").write_text(
        "警方在联合行动中逮捕十二名嫌疑人\n\n"
        + "当地警方与国家网络犯罪部门周一表示，经过数月调查，共有十二人因在网上传播非法图片被捕。"
        * 3
        + "\n\n调查人员搜查了九处住所，查获四十一部手机和电脑。四名儿童已被安置在安全的地方。\n"
    )
    few_bad = story("Fewbyte Zürich Genève").encode().replace(b"months-long", b"months\xfflong", 1)
    (inbox / "few_bad_bytes.txt").write_bytes(few_bad)
    (inbox / "lying_charset.html").write_bytes(
        html_page("Zürichsee Müllerstraße", charset="iso-8859-1").encode()
    )
    (inbox / "one_line.txt").write_text(("word " * 200_000)[:1_000_000])
    counts = " ".join(f"{n % 97 + 2} held and {n % 89 + 3} freed." for n in range(5_000))
    (inbox / "numbers.txt").write_text(story("Numberton") + "\n" + counts + "\n")
    (inbox / "nav_only.html").write_text(
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> "
        "<a href='/news'>News</a></nav><script>var x = 1;</script></body></html>"
    )
    (inbox / "short.txt").write_text("Police made an arrest.\n")
    (inbox / "zz_copy_of_alderpool.txt").write_text(story("Alderpool"))


def serve() -> Server:
    html = {"Content-Type": "text/html; charset=utf-8"}
    return Server(
        {
            "/page.html": (200, html, html_page("Copperlane").encode()),
            "/secret.html": (200, html, html_page("Keyholm").encode()),
            "/missing": (404, {}, b"not here"),
            "/broken": (500, {}, b"oops"),
            "/image": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + bytes(500)),
            "/photo.JPG": (200, html, html_page("Never").encode()),
            "/brotli": (200, {**html, "Content-Encoding": "br"}, b"\x0b\x02\x80"),
            "/bomb": (200, {**html, "Content-Encoding": "gzip, gzip"}, bomb(64 << 20)),
            "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item"),
        }
    )


def source_of(case: Case, inbox: Path, base: str) -> str:
    if case.source.startswith("url:"):
        return base + case.source[4:]
    if case.source.startswith("cred:"):
        return base.replace("://", "://reader:hunter2@") + case.source[5:]
    if case.source == "missing:":
        return str(inbox.parent / "not_there.txt")
    if ":" in case.source:
        return case.source
    return str(inbox / case.source)


def stored_form(source: str) -> str:
    """How a source is shown: credentials stripped, undecodable bytes as \\xNN escapes."""
    source = source.replace("reader:hunter2@", "")
    return os.fsencode(source).decode("utf-8", "backslashreplace")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("bad_inputs")
    inbox = tmp / "inbox"
    write_inbox(inbox)
    db = tmp / "bad.duckdb"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PREFECT_HOME": str(tmp / "prefect"),
        "OPWATCH_DATA_DIR": str(tmp / "data"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "OPWATCH_MAX_BYTES": str(MAX_BYTES),
        "OPWATCH_FETCH_ATTEMPTS": "1",
        "OPWATCH_FETCH_TIMEOUT": "5",
    }
    env.pop("PREFECT_API_URL", None)
    env.pop("OPWATCH_MAX_QUARANTINED", None)
    try:
        with serve() as server:
            extra = [
                source_of(c, inbox, server.base)
                for c in CASES
                if ":" in c.source  # URLs and the missing path; the folder holds the rest
            ]
            command = [sys.executable, "-m", "opwatch.flows.cli", "run", str(inbox), *extra]
            command += ["--allow-private", "--db", str(db), "--reports", str(tmp / "reports")]
            proc = subprocess.run(
                command, cwd=tmp, env=env, capture_output=True, timeout=300, check=False
            )
            requests = list(server.requests)
    finally:
        for path in (inbox / "locked.txt", inbox / "closed"):
            path.chmod(0o700)
    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute("SELECT source, text, decode_errors FROM articles").fetchall()
        quarantine = con.execute(
            "SELECT row_key, expectation, reason, row_json FROM quarantine "
            "WHERE table_name = 'documents'"
        ).fetchall()
        figures = con.execute(
            "SELECT a.source, f.value FROM figures f JOIN articles a USING (article_id)"
        ).fetchall()
        dump = " ".join(
            str(row)
            for table in ("articles", "quarantine", "runs")
            for row in con.execute(f"SELECT * FROM {table}").fetchall()
        )
    return {
        "rc": proc.returncode,
        "stderr": proc.stderr.decode(errors="replace"),
        "stdout": proc.stdout.decode(errors="replace"),
        "inbox": inbox,
        "base": server.base,
        "articles": {row[0]: row for row in articles},
        "quarantine": quarantine,
        "figures": figures,
        "requests": requests,
        "dump": dump,
    }


def quarantined(outcome: dict, source: str) -> list[tuple]:
    return [row for row in outcome["quarantine"] if row[0] == source]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_input_has_a_clear_outcome(outcome: dict, case: Case) -> None:
    if case.root_skip and IS_ROOT:
        pytest.skip("root reads files whatever their permissions")
    # Good articles sit beside the bad ones, so the run succeeds (exit 0).
    assert outcome["rc"] == 0, outcome["stderr"][-3000:]
    source = stored_form(source_of(case, outcome["inbox"], outcome["base"]))
    rows = quarantined(outcome, source)
    if case.expected == LOADED:
        assert source in outcome["articles"], (source, sorted(outcome["articles"]))
        assert not rows, rows
        return
    reasons = " | ".join(f"{code}: {reason}" for _, code, reason, _ in rows)
    assert rows, f"no quarantine row for {source}"
    assert case.expected in reasons, reasons
    if case.expected in KEPT_WITHOUT_FACTS:
        assert source in outcome["articles"], "kept without facts, but not loaded"
    else:  # a duplicate's text is loaded once, under its twin's source
        assert source not in outcome["articles"]


def test_details_of_loaded_inputs(outcome: dict) -> None:
    inbox = outcome["inbox"]
    articles = outcome["articles"]
    zero_width = [v for s, v in outcome["figures"] if s == str(inbox / "zero_width.txt")]
    assert 12 in zero_width and 1 not in zero_width and 2 not in zero_width, zero_width
    assert articles[str(inbox / "few_bad_bytes.txt")][2] is True  # flagged decode_errors
    assert "Zürichsee" in articles[str(inbox / "lying_charset.html")][1]
    assert "Sixteenbury" in articles[str(inbox / "utf16.txt")][1]
    assert "hunter2" not in outcome["dump"]  # credentials are never stored
    assert "/photo.JPG" not in outcome["requests"]  # a media path is never requested
    assert str(inbox / "closed" / "inside.txt") not in articles or IS_ROOT
