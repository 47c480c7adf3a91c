"""Golden files with metric floors: `opwatch eval` on the bundled examples and the seeds.

The floors sit a little under what the shipped models score today, so a regression in
any stage (clean, NER, normalisation, figures, dates) fails here.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from opwatch.flows.cli import app
from opwatch.settings import load_settings
from opwatch.tasks.predict import evaluate
from tests.conftest import EXAMPLES, REAL_DEV, REPO

EXAMPLE_FLOORS = {
    "figures": 0.97,  # the shipped model scores 0.981 on the examples
    "countries": 0.95,
    "agencies": 0.95,
    "persons": 0.85,
    "operations": 0.95,
    "published": 0.95,
    "redacted": 0.95,
}
# The issues' targets for the seeds; figures: the shared model scores 0.909 there (the
# rules that scored 0.968 were written while reading them), real-dev measures instead.
SEED_FLOORS = {
    "figures": 0.89,
    "countries": 0.97,
    "agencies": 0.90,
    "persons": 0.93,
    "operations": 1.0,
    "published": 1.0,
    "redacted": 1.0,
}


# Real articles (the cache of ../shared/eval/real-dev): floors a little under today's
# scores (figures P 0.982 R 0.868 F1 0.922, countries 0.996, agencies 0.927, persons 0.972,
# operations 1.000, published 1.000).
REAL_DEV_FLOORS = {
    "figures": 0.90,
    "countries": 0.98,
    "agencies": 0.92,
    "persons": 0.95,
    "operations": 0.95,
    "published": 0.95,
}
REAL_DEV_FIGURES_PRECISION = 0.95


def _check(scores, floors) -> None:
    low = {k: round(scores[k].f1, 3) for k, floor in floors.items() if scores[k].f1 < floor}
    misses = [m for k in low for m in scores[k].misses]
    assert not low, f"below floor: {low}; misses: {misses}"


def test_examples_meet_floors():
    scores, predictions = evaluate(REPO / "examples" / "gold.jsonl", EXAMPLES, load_settings())
    assert len(predictions) == len(list(EXAMPLES.glob("*.*")))
    _check(scores, EXAMPLE_FLOORS)


def test_seeds_meet_issue_targets(seeds_dir):
    scores, predictions = evaluate(seeds_dir / "gold.jsonl", seeds_dir, load_settings())
    _check(scores, SEED_FLOORS)
    redacted = predictions["004_c7ca721f125296d0.txt"]["redacted"]
    assert len(redacted) == 6


def test_real_dev_meets_floors(real_dev_cache):
    scores, predictions = evaluate(REAL_DEV / "gold.jsonl", real_dev_cache, load_settings())
    assert len(predictions) >= 40
    _check(scores, REAL_DEV_FLOORS)
    assert scores["figures"].precision >= REAL_DEV_FIGURES_PRECISION


def test_eval_cli_prints_every_field(seeds_dir):
    result = CliRunner().invoke(
        app, ["eval", "--gold", str(seeds_dir / "gold.jsonl"), "--docs", str(seeds_dir)]
    )
    assert result.exit_code == 0, result.output
    for field in SEED_FLOORS:
        assert field in result.output


def test_predict_cli_writes_gold_format(tmp_path):
    import json

    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["predict", str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["doc"] for r in records} == {p.name for p in EXAMPLES.iterdir()}
    keys = {
        "doc",
        "published",
        "operations",
        "countries",
        "agencies",
        "persons",
        "figures",
        "redacted",
    }
    assert all(set(r) == keys for r in records)
    assert all({"role", "value", "qualifier"} <= set(f) for r in records for f in r["figures"])


def test_eval_cli_rejects_missing_gold(tmp_path):
    result = CliRunner().invoke(
        app, ["eval", "--gold", str(tmp_path / "nope.jsonl"), "--docs", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "not found" in result.output


@pytest.mark.parametrize("command", ["run", "predict", "eval", "sql", "export"])
def test_every_command_has_help(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
