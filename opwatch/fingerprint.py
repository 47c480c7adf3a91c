"""One fingerprint of everything that changes what extraction returns.

    settings that change extraction (ner_model, ner_backend, role_classifier)
  + code version (opwatch version and the extraction code: models/**/*.py, tasks/extract.py,
    opwatch/records.py)
  + model files (the shipped weights and configs under models/, or OPWATCH_NER_MODEL's
    folder when it names one)
  + gazetteers (models/gazetteers)
  -> one short hex key.

It is the extraction cache key (with the article's content hash) and is written on every
run row, so any row can be traced to what produced it. Training data (models/*/data/)
and documentation do not change extraction and are left out.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from opwatch import __version__
from opwatch.settings import PROJECT_ROOT, Settings

EXTRACTION_SETTINGS = ("ner_model", "ner_backend", "role_classifier")
CODE_FILES = ("tasks/extract.py", "opwatch/records.py")
MODEL_SUFFIXES = {".py", ".json", ".csv", ".txt", ".safetensors", ".bin", ".model", ".tsv"}
SKIPPED_PARTS = {"data", "__pycache__"}  # training data and bytecode


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _cached_digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=1024)
def _cached_digest(path: str, size: int, mtime_ns: int) -> str:
    """sha256 of one file; cached per (path, size, mtime) so a run hashes weights once."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def extraction_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """The code, model and gazetteer files that the fingerprint covers, sorted."""
    models = root / "models"
    found = [
        p
        for p in models.rglob("*")
        if p.is_file()
        and p.suffix.lower() in MODEL_SUFFIXES
        and not SKIPPED_PARTS & set(p.relative_to(models).parts[:-1])
    ]
    found += [root / rel for rel in CODE_FILES if (root / rel).is_file()]
    return sorted(found)


def _model_dir_files(ner_model: str | None) -> list[tuple[str, Path]]:
    """(relative name, path) of a local OPWATCH_NER_MODEL folder's files; a hub id is
    covered by its name among the settings."""
    if not ner_model or not Path(ner_model).expanduser().is_dir():
        return []
    folder = Path(ner_model).expanduser()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return [(p.relative_to(folder).as_posix(), p) for p in files]


def fingerprint(settings: Settings, root: Path = PROJECT_ROOT) -> str:
    """The extraction fingerprint: 16 hex characters of a sha256 over every input."""
    h = hashlib.sha256(f"opwatch {__version__}\n".encode())
    for name in EXTRACTION_SETTINGS:
        h.update(f"setting {name}={getattr(settings, name)!r}\n".encode())
    for path in extraction_files(root):
        h.update(f"file {path.relative_to(root).as_posix()} {_file_digest(path)}\n".encode())
    for name, path in _model_dir_files(settings.ner_model):
        h.update(f"model {name} {_file_digest(path)}\n".encode())
    return h.hexdigest()[:16]
