"""Raw keys: a re-run recognises content it has loaded before without cleaning it again.

An article's id is the hash of its cleaned text, so without this every re-run would pay
for trafilatura on every source. The raw key hashes what clean reads (the decoded
document and its metadata) together with the clean code's version: same key, same
cleaned article. The warehouse keeps raw key -> article id (`raw_documents`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from opwatch.records import RawDocument

# what turns a raw document into an article: a change in any of these re-cleans
CLEAN_CODE = ("clean.py", "text_quality.py", "raw_keys.py")


@lru_cache(maxsize=1)
def clean_version() -> str:
    h = hashlib.sha256(f"trafilatura {version('trafilatura')}".encode())
    here = Path(__file__).parent
    for name in CLEAN_CODE:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def raw_key(document: RawDocument) -> str:
    """sha256 over the clean code's version and every field clean reads (not fetched_at)."""
    parts = (
        clean_version(),
        document.source,
        document.source_kind,
        document.content_kind,
        document.encoding,
        str(document.decode_errors),
        document.url or "",
        document.feed_title or "",
        str(document.feed_published or ""),
    )
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    h.update(b"\x1e")
    h.update(document.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()
