"""Shared fixtures. Tests that need ../shared skip with a clear reason when it is absent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# No test writes into the project's own data/ folder: defaults point at a scratch one.
os.environ.setdefault("OPWATCH_DATA_DIR", tempfile.mkdtemp(prefix="opwatch-tests-"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "eval" / "seeds"
CONLL = SHARED / "data" / "conll2003"
EXAMPLES = REPO / "examples" / "articles"
REAL_DEV = SHARED / "eval" / "real-dev"
# The real-dev texts are third-party: rebuilt outside the repository (see its README).
REAL_DEV_CACHE = Path(os.environ.get("OPWATCH_REAL_DEV_CACHE", REPO.parent / "real-dev-cache"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "gold.jsonl").exists():
        pytest.skip("needs ../shared/eval/seeds (the dev set); absent in this checkout")
    return SEEDS


@pytest.fixture(scope="session")
def conll_dir() -> Path:
    if not (CONLL / "test.txt").exists():
        pytest.skip("needs ../shared/data/conll2003 (CoNLL-2003); absent in this checkout")
    return CONLL


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def real_dev_cache() -> Path:
    if not (REAL_DEV / "gold.jsonl").exists():
        pytest.skip("needs ../shared/eval/real-dev (gold); absent in this checkout")
    if not REAL_DEV_CACHE.is_dir() or not any(REAL_DEV_CACHE.glob("*.txt")):
        pytest.skip(
            f"needs the real-dev texts in {REAL_DEV_CACHE} (set OPWATCH_REAL_DEV_CACHE); "
            "rebuild them as ../shared/eval/real-dev/README.md says"
        )
    return REAL_DEV_CACHE
