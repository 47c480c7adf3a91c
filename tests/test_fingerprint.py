"""The extraction fingerprint: any input that changes extraction changes the key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opwatch.fingerprint import extraction_files, fingerprint
from opwatch.settings import Settings

FILES = {
    "models/figures/roles_rules.py": "RULE = 'arrested'\n",
    "models/ner/tagger.py": "WINDOW = 256\n",
    "models/ner/weights/model.safetensors": "weights v1",
    "models/ner/weights/config.json": '{"layers": 6}',
    "models/gazetteers/agencies.csv": "key,name\neuropol,Europol\n",
    "models/figures/config.json": '{"threshold": 0.5}',
    "tasks/extract.py": "def extract(): ...\n",
    "opwatch/records.py": "class Figure: ...\n",
}
IGNORED = {
    "models/figures/data/articles/b00.jsonl": '{"text": "training only"}\n',
    "models/ner/MODEL_CARD.md": "notes\n",
    "tasks/report.py": "def report(): ...\n",
}


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    for rel, text in {**FILES, **IGNORED}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _touch(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a new mtime


@pytest.mark.parametrize("rel", sorted(FILES))
def test_changing_any_covered_file_changes_the_key(root: Path, rel: str) -> None:
    before = fingerprint(Settings(), root)
    _touch(root / rel, (root / rel).read_text() + " changed")
    assert fingerprint(Settings(), root) != before


def test_a_new_code_file_changes_the_key(root: Path) -> None:
    before = fingerprint(Settings(), root)
    (root / "models" / "normalize").mkdir()
    (root / "models" / "normalize" / "dates.py").write_text("MONTHS = ()\n")
    assert fingerprint(Settings(), root) != before


@pytest.mark.parametrize("rel", sorted(IGNORED))
def test_training_data_docs_and_other_stages_do_not(root: Path, rel: str) -> None:
    before = fingerprint(Settings(), root)
    _touch(root / rel, "something else")
    assert fingerprint(Settings(), root) == before
    assert root / rel not in extraction_files(root)


@pytest.mark.parametrize(
    "change", [{"role_classifier": "rules"}, {"ner_backend": "int8"}, {"ner_model": "other/model"}]
)
def test_each_extraction_setting_changes_the_key(root: Path, change: dict) -> None:
    assert fingerprint(Settings(**change), root) != fingerprint(Settings(), root)


def test_settings_that_do_not_touch_extraction_leave_the_key(root: Path) -> None:
    other = Settings(max_workers=7, fetch_timeout=1.0, allow_private=True)
    assert fingerprint(other, root) == fingerprint(Settings(), root)


def test_a_local_model_folder_is_hashed_by_content(root: Path, tmp_path_factory) -> None:
    model = tmp_path_factory.mktemp("model")
    (model / "weights.bin").write_text("one")
    settings = Settings(ner_model=str(model))
    before = fingerprint(settings, root)
    _touch(model / "weights.bin", "two")
    assert fingerprint(settings, root) != before


def test_shipped_project_is_covered() -> None:
    rels = {
        p.relative_to(Path(__file__).resolve().parents[1]).as_posix() for p in extraction_files()
    }
    assert "tasks/extract.py" in rels and "models/figures/roles_rules.py" in rels
    assert any(r.startswith("models/gazetteers/") for r in rels)
    assert any(r.startswith("models/ner/weights/") for r in rels)
    assert not any("/data/" in r for r in rels)


def test_extraction_cache_key_follows_the_role_classifier() -> None:
    from opwatch.flows.tasks import _cache_key
    from opwatch.records import Article
    from tests.factories import article

    a: Article = article()
    keys = {
        _cache_key(None, {"article": a, "settings": Settings(role_classifier=method)})
        for method in ("transformer", "rules")
    }
    assert len(keys) == 2
    assert all(a.article_id in k for k in keys)
