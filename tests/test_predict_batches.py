"""`opwatch predict` batches articles for the encoder, the first one alone so that its
result comes as soon as the model is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from opwatch.settings import Settings
from opwatch.tasks.predict import PREDICT_BATCH, predict_files


def test_first_article_alone_then_full_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import opwatch.tasks.extract

    sizes: list[int] = []

    def fake_extract_many(articles, settings):  # noqa: ANN001, ANN202
        sizes.append(len(articles))
        return [([], []) for _ in articles]

    monkeypatch.setattr(opwatch.tasks.extract, "extract_many", fake_extract_many)
    n = PREDICT_BATCH + 3
    paths = []
    for i in range(n):
        path = tmp_path / f"a{i:02d}.txt"
        path.write_text(f"Officers in Testland made {i + 2} arrests, the force said.\n")
        paths.append(path)
    seen: list[str] = []
    done = predict_files(paths, Settings(data_dir=tmp_path), lambda p, _e: seen.append(p.name))
    assert sizes == [1, PREDICT_BATCH, 2]
    assert seen == [p.name for p in paths] == list(done)
    assert all(error is None for _record, error in done.values())
