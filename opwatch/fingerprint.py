"""One fingerprint of everything that changes what extraction returns.

    settings that change extraction (ner_model, ner_backend, role_classifier)
  + code version (opwatch version and the extraction code: models/**/*.py, tasks/extract.py,
    opwatch/records.py, opwatch/text.py)
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
import importlib.util
from functools import lru_cache
from pathlib import Path

from opwatch import __version__
from opwatch.settings import PACKAGE_DIR, Settings

EXTRACTION_SETTINGS = ("ner_model", "ner_backend", "role_classifier")
CODE_FILES = ("tasks/extract.py", "opwatch/records.py", "opwatch/text.py")
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


def _folder(name: str) -> Path:
    """Where the folder `name` (models, tasks) is: opwatch.<name>'s directory, in a
    checkout (models/) and in an installed wheel (opwatch/models/) alike."""
    if name == "opwatch":
        return PACKAGE_DIR
    spec = importlib.util.find_spec(f"opwatch.{name}")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"opwatch.{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def covered_files(root: Path | None = None) -> dict[str, Path]:
    """The code, model and gazetteer files that the fingerprint covers, by their name in
    the source tree (models/ner/tagger.py): under `root` when given, else wherever the
    opwatch packages are, so a checkout and an install of the same files give one key."""

    def place(folder: str) -> Path:
        return root / folder if root is not None else _folder(folder)

    models = place("models")
    found = {
        f"models/{p.relative_to(models).as_posix()}": p
        for p in models.rglob("*")
        if p.is_file()
        and p.suffix.lower() in MODEL_SUFFIXES
        and not SKIPPED_PARTS & set(p.relative_to(models).parts[:-1])
    }
    for rel in CODE_FILES:
        folder, _, name = rel.partition("/")
        path = place(folder) / name
        if path.is_file():
            found[rel] = path
    return dict(sorted(found.items()))


def extraction_files(root: Path | None = None) -> list[Path]:
    """The covered files' paths, in the order of their names."""
    return list(covered_files(root).values())


def _model_dir_files(ner_model: str | None) -> list[tuple[str, Path]]:
    """(relative name, path) of a local OPWATCH_NER_MODEL folder's files; a hub id is
    covered by its name among the settings."""
    if not ner_model or not Path(ner_model).expanduser().is_dir():
        return []
    folder = Path(ner_model).expanduser()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return [(p.relative_to(folder).as_posix(), p) for p in files]


def fingerprint(settings: Settings, root: Path | None = None) -> str:
    """The extraction fingerprint: 16 hex characters of a sha256 over every input."""
    h = hashlib.sha256(f"opwatch {__version__}\n".encode())
    for name in EXTRACTION_SETTINGS:
        h.update(f"setting {name}={getattr(settings, name)!r}\n".encode())
    for name, path in covered_files(root).items():
        h.update(f"file {name} {_file_digest(path)}\n".encode())
    for name, path in _model_dir_files(settings.ner_model):
        h.update(f"model {name} {_file_digest(path)}\n".encode())
    return h.hexdigest()[:16]
