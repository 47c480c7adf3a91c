"""Clean stage: RawDocument -> Article (or a Problem).

HTML goes through trafilatura (main text plus title, date, site, author). Plain text
keeps its paragraphs and loses boilerplate lines by general rules: share/print widgets,
comment prompts and comment sections, press-office contact blocks, "Related" lists,
cookie and newsletter prompts. Every later offset refers to the cleaned text.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import lxml.etree
import lxml.html

from opwatch.errors import ERRORS
from opwatch.models.normalize.dates import date_spans, header, publication_date
from opwatch.records import Article, Problem, RawDocument, content_hash
from opwatch.tasks.text_quality import garbled_reason, remove_invisible, too_short
from opwatch.tasks.urls import strip_credentials

STAGE = "clean"
MIN_WORDS = 8  # fewer words than this is not an article
_SENTENCE_END = (".", "!", "?", '"', "'", "”", "’")

# ---------------------------------------------------------------- line rules

# Widget vocabulary: a short line made only of these words (and counts) is a widget.
_STRONG = set(
    "share shares shared print email e-mail mail tweet facebook twitter x linkedin whatsapp "
    "telegram reddit pinterest tumblr messenger comments comment blogthis bookmark save sms "
    "flipboard pocket digg stumbleupon google+ vk weibo wechat like recommend font resize "
    "分享 分享按钮 打印 评论 copy permalink".split()
)
_WEAK = set(
    "this article story page on via to the a us follow and or with link large medium small "
    "text size a+ a- more options friend send post views reply it url your network".split()
)
_COMMENT_HEADING = re.compile(
    r"^((no|\d+|one)\s+(comments?|responses?|replies)|comments?(\s*\(\d+\))?|reader comments"
    r"|leave a (reply|comment)|post a comment|add (a )?(new )?comment|join the (conversation|"
    r"discussion)|\d+ (responses?|thoughts?) (to|on) .{1,120})\s*:?$",
    re.I,
)
_LINE_PATTERNS = [
    re.compile(p, re.I)
    for p in (
        r"^(post|leave|add|write|submit|show|view|hide|read|load)( a| your| new| all| the)*"
        r" (comments?|reply|replies)\b.{0,40}$",
        r"\b(may|must be logged in to|to) post a comment\b",
        r"^comments (are|is) (closed|moderated|disabled)\b",
        r"^be the first to comment\b",
        r"^(newer post|older post|home)\b.*\b(older post|newer post|home)$",
        r"^subscribe to:\s*(post )?comments\b",
        r"^posted by .{1,60} at \d{1,2}[:.]\d\d\s*(am|pm)?$",
        r"^labels?:\s",
        r"^(advertisement|advert|sponsored( content)?|ad)$",
        r"^(skip to (main )?content|back to top|jump to navigation|loading\.*)$",
        r"^(sign up|subscribe)\b.{0,80}\b(newsletter|updates|alerts)\b",
        r"^(subscribe( now)?|sign in|log in|register|menu|search)$",
        r"^(©|\(c\)|copyright\b).{0,120}$",
        r"^all rights reserved\.?$",
        r"^(privacy( policy)?|terms (of|and) (use|service|conditions)|cookie (policy|settings))"
        r"(\s*[|·•]\s*.{1,40})*$",
        r"^(-+\s*)?ends?(\s*-+)?$|^#{3}$",
        r"^click here\b.{0,80}$",
        r"^(read more|also read|see also|related|more)\s*[:»>|-]\s*\S.{0,150}$",
    )
]
_COOKIE = re.compile(r"\bcookies?\b.*\b(accept|consent|agree|continu|settings|use cookies)", re.I)
_RELATED = re.compile(
    r"^(related( articles| stories| news| posts| content| links| coverage| topics)?|read more"
    r"|more (on this( story)?|stories|news|from [\w ]{1,30})|see also|you (may|might) also like"
    r"|recommended( for you| stories| articles)?|most (read|popular|viewed|shared)|trending( now)?"
    r"|popular (stories|articles|now)|top stories|latest (news|stories)|also read"
    r"|further reading|in (other|related) news)\s*:?$",
    re.I,
)
_CONTACT_HEADING = re.compile(
    r"\b(communications?|press office|press (contacts?|relations|enquiries|inquiries)|"
    r"media (contacts?|relations|enquiries|inquiries|office|desk)|public affairs|"
    r"contact( us| information| details)?|for (more|further) information)\b",
    re.I,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(
    r"^(phone|tel|telephone|fax|mobile|mob|cell|media|switchboard|hotline|press|office|t|f|m)"
    r"\b\.?\s*(\([^)]*\))?\s*[:.]?\s*\+?[\d(][\d\s()./-]{5,}",
    re.I,
)
_DIGITS_ONLY = re.compile(r"^\+?[\d\s()./-]{7,}$")
_URL_LINE = re.compile(r"^(https?://|www\.)\S+$", re.I)


def _tokens(line: str) -> list[str]:
    parts = re.split(r"[\s|/•·]+", line.lower())
    return [t.strip("()[]{}:!,.;\"'«»") for t in parts if t.strip("()[]{}:!,.;\"'«»")]


def is_widget_line(line: str) -> bool:
    """Share/print/comment widgets: every token is widget vocabulary or a count."""
    tokens = _tokens(line)
    if not tokens or len(tokens) > 15 or not any(t in _STRONG for t in tokens):
        return False
    return all(t in _STRONG or t in _WEAK or t.isdigit() or not re.search(r"\w", t) for t in tokens)


def is_contact_line(line: str) -> bool:
    words = len(line.split())
    return bool(
        (_EMAIL.search(line) and words <= 10)
        or _PHONE.match(line)
        or _DIGITS_ONLY.match(line)
        or _URL_LINE.match(line)
    )


def is_boilerplate_line(line: str) -> bool:
    """One line that is boilerplate on its own (widgets, prompts, contact details)."""
    words = len(line.split())
    if not line or words < 12 and date_spans(line):
        return False  # date lines stay: the header date is read from them
    if is_widget_line(line) or is_contact_line(line):
        return True
    if words <= 60 and _COOKIE.search(line):
        return True
    return words <= 25 and any(p.search(line) for p in _LINE_PATTERNS)


def _is_prose(line: str) -> bool:
    return len(line.split()) > 6 and line.endswith(_SENTENCE_END) or len(line.split()) > 14


def _is_address_like(line: str) -> bool:
    """Short lines of a contact block: street, postcode, city, country, office name."""
    words = line.split()
    if not words or len(words) > 6 or line.endswith((":", ".", "!", "?")):
        return False
    return any(c.isdigit() for c in line) or all(
        not w[0].isalpha() or w[0].isupper() for w in words
    )


def _drop_contact_blocks(lines: list[str], keep: list[bool]) -> None:
    """A press-office heading followed by contact details: drop the whole block."""
    for i, line in enumerate(lines):
        if not keep[i] or not line or len(line.split()) > 8 or not _CONTACT_HEADING.search(line):
            continue
        heading_like = line.isupper() or line.endswith(":") or len(line.split()) <= 4
        nxt = [j for j in range(i + 1, min(len(lines), i + 8)) if lines[j]][:3]
        if not heading_like or not any(is_contact_line(lines[j]) for j in nxt):
            continue
        keep[i] = False
        for j in range(i + 1, min(len(lines), i + 25)):
            text = lines[j]
            if text and not (is_contact_line(text) or _is_address_like(text)):
                break
            keep[j] = False


def _drop_related_lists(lines: list[str], keep: list[bool]) -> None:
    """A "Related articles" heading and the headline list under it."""
    for i, line in enumerate(lines):
        if not keep[i] or not _RELATED.match(line):
            continue
        keep[i] = False
        for j in range(i + 1, min(len(lines), i + 16)):
            if lines[j] and _is_prose(lines[j].lstrip("-*•· ")):
                break
            keep[j] = False


def _drop_comment_section(lines: list[str], keep: list[bool]) -> None:
    """A comments heading in the second half: readers' comments follow, drop them all."""
    total = sum(len(x) + 1 for x in lines)
    seen = 0
    for i, line in enumerate(lines):
        if seen > total / 2 and _COMMENT_HEADING.match(line):
            for j in range(i, len(lines)):
                keep[j] = False
            return
        seen += len(line) + 1


def clean_text(text: str) -> str:
    """Plain text without boilerplate lines; paragraphs and line text otherwise kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    lines = [line.strip() for line in text.split("\n")]
    keep = [True] * len(lines)
    _drop_comment_section(lines, keep)
    _drop_contact_blocks(lines, keep)
    _drop_related_lists(lines, keep)
    out: list[str] = []
    previous = None
    for line, kept in zip(lines, keep, strict=True):
        if not kept or is_boilerplate_line(line):
            continue
        if line and line == previous:
            continue  # a repeated title or widget line
        out.append(line)
        if line:
            previous = line
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return cleaned.strip()


# ---------------------------------------------------------------- metadata helpers

_LABEL_LINE = re.compile(
    r"^(press release|news release|for immediate release|media release)$", re.I
)
_NAME = r"[^\W\d_][\w'’.-]*"
_BYLINE = re.compile(rf"^[Bb]y\s+((?:{_NAME})(?:\s+{_NAME}){{0,3}}?)(?=\s*(?:[,|(·•–—-]|$))")


def text_title(text: str) -> str | None:
    """The first non-empty line that is not a date line or a 'PRESS RELEASE' label."""
    for line in text.split("\n"):
        line = line.strip()
        if not line or _LABEL_LINE.match(line):
            continue
        spans = date_spans(line)
        if spans and len(line) - sum(end - start for start, end, _ in spans) < 12:
            continue
        return line[:300]
    return None


def text_author(text: str) -> str | None:
    for line in text.split("\n")[:8]:
        match = _BYLINE.match(line.strip())
        if match and match.group(1)[0].isupper():
            return match.group(1)
    return None


_BLOCKS = (
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "time",
    "br",
    "header",
    "section",
    "article",
    "span",
    "td",
    "dd",
    "dt",
    "address",
    "figcaption",
)


def html_pretext(html: str, main_text: str) -> str:
    """The visible lines just before the first body paragraph (title, byline, date line)."""
    prose = header(main_text)[1]
    first = prose[0][:40] if prose else ""
    if not first:
        return ""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in tree.xpath("//head|//script|//style|//noscript|//nav|//footer|//aside|//form"):
        bad.drop_tree()
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = [ln.strip() for ln in tree.text_content().split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        if line.startswith(first):
            window = [ln for ln in lines[max(0, i - 8) : i] if not is_boilerplate_line(ln)]
            prose = [j for j, ln in enumerate(window) if _is_prose(ln)]
            return "\n".join(window[prose[-1] + 1 :] if prose else window)
    return ""


# ---------------------------------------------------------------- the stage


def _problem(doc: RawDocument, code: str, detail: str = "") -> Problem:
    message = f"{code}: {ERRORS[code]}" + (f" ({detail})" if detail else "")
    return Problem(doc.source, STAGE, code, message)


def _from_html(doc: RawDocument) -> dict[str, str | None] | None:
    import trafilatura  # imported on the first HTML page, not by every run

    raw = trafilatura.extract(
        doc.text,
        url=doc.url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        # Metadata only (meta tags, <time>, URL): no guessing from body text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not raw:
        return None
    data = json.loads(raw)
    return {
        "text": data.get("text") or "",
        "title": data.get("title"),
        "date": data.get("date"),
        "sitename": data.get("source-hostname") or data.get("hostname"),
        "author": data.get("author"),
        "url": data.get("source") or doc.url,
    }


def _text_problem(doc: RawDocument, text: str) -> Problem | None:
    """E020 for too little text (characters for spaceless scripts), E022 for garbled text."""
    short = too_short(text, MIN_WORDS)
    if short:
        return _problem(doc, "E020", short)
    garbled = garbled_reason(text)
    return _problem(doc, "E022", garbled) if garbled else None


def clean(doc: RawDocument, run_id: str, now: datetime) -> Article | Problem:
    """One RawDocument -> Article, or a Problem (E001, E002, E020, E022) saying why not."""
    if not doc.text:
        return _problem(doc, "E001", doc.source)
    if not doc.text.strip():
        return _problem(doc, "E002", doc.source)
    meta: dict[str, str | None] = {
        "title": None,
        "date": None,
        "sitename": None,
        "author": None,
        "url": doc.url,
    }
    try:
        if doc.content_kind == "html":
            found = _from_html(doc)
            if found is None:
                return _problem(doc, "E020", "trafilatura found no main text")
            meta = found
            text = clean_text(found["text"] or "")
        else:
            text = clean_text(doc.text)
    except Exception as exc:  # malformed markup must not stop the run
        return _problem(doc, "E020", f"{type(exc).__name__}: {exc}")
    text = remove_invisible(text)  # before any offset is taken: offsets refer to this text
    problem = _text_problem(doc, text)
    if problem is not None:
        return problem

    meta_date = meta["date"] or (doc.feed_published.isoformat() if doc.feed_published else None)
    site = meta["url"] or doc.url or meta["sitename"]
    published = publication_date(text, meta_date=meta_date, today=now.date(), site=site)
    if published is None and doc.content_kind == "html":
        pretext = html_pretext(doc.text, text)
        published = publication_date(pretext, today=now.date(), site=site)
    if doc.content_kind == "html":
        title = meta["title"] or doc.feed_title or text_title(text)
        author = meta["author"]
    else:
        title = text_title(text) or doc.feed_title
        author = text_author(text)
    return Article(
        article_id=content_hash(text),
        source=doc.source,
        source_kind=doc.source_kind,
        content_kind=doc.content_kind,
        title=title,
        sitename=meta["sitename"],
        author=author,
        url=strip_credentials(meta["url"] or doc.url or "") or None,
        published=published,
        text=text,
        n_chars=len(text),
        encoding=doc.encoding,
        decode_errors=doc.decode_errors,
        first_seen=now,
        run_id=run_id,
    )
