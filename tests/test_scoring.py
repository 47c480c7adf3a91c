"""The scorer follows GOLD_FORMAT.md: sets per article, optional items, tolerance."""

from __future__ import annotations

import json

from opwatch.scoring import normalise_name, score
from opwatch.tasks.predict import read_gold


def _gold(**fields):
    record = {"doc": "a.txt", "published": None, "figures": [], "figures_optional": []}
    record.update(fields)
    return {"a.txt": record}


def test_name_normalisation_folds_case_space_and_punctuation():
    folded = normalise_name("us department of justice")
    assert normalise_name("U.S.  Department of  Justice") == folded
    assert normalise_name("Operation “Icarus”") == "operation icarus"


def test_optional_items_are_neither_hits_nor_false_positives():
    gold = _gold(persons=["Karen McVeigh"], persons_optional=["Acidburn"])
    pred = {"a.txt": {"doc": "a.txt", "persons": ["karen mcveigh", "Acidburn", "Nobody"]}}
    s = score(pred, gold)["persons"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)
    assert s.misses == [("a.txt", "FP", "nobody")]


def test_figures_match_on_role_and_value_with_tolerance_and_count_once():
    gold = _gold(
        figures=[
            {"role": "arrests", "value": 184, "qualifier": "exact"},
            {"role": "members", "value": 50000, "qualifier": "at_least"},
        ]
    )
    pred = {
        "a.txt": {
            "doc": "a.txt",
            "figures": [
                {"role": "arrests", "value": 184.0000001, "qualifier": "approx"},
                {"role": "arrests", "value": 184, "qualifier": "exact", "scope": "GB"},
                {"role": "victims_rescued", "value": 184},
            ],
        }
    }
    s = score(pred, gold)["figures"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert round(s.precision, 3) == 0.5 and round(s.recall, 3) == 0.5


def test_published_null_gold_makes_any_date_a_false_positive():
    gold = _gold(published=None)
    s = score({"a.txt": {"doc": "a.txt", "published": "2011-01-01"}}, gold)["published"]
    assert (s.tp, s.fp, s.fn) == (0, 1, 0)
    s = score({}, _gold(published="2011-03-16"))["published"]
    assert (s.tp, s.fp, s.fn) == (0, 0, 1)


def test_countries_compare_iso_codes_and_redacted_compare_role_and_text():
    gold = _gold(countries=["GB", "NL"], redacted=[{"role": "arrests", "text": "xxx"}])
    pred = {
        "a.txt": {
            "doc": "a.txt",
            "countries": ["gb"],
            "redacted": [{"role": "arrests", "text": "xxx"}],
        }
    }
    scores = score(pred, gold)
    assert (scores["countries"].tp, scores["countries"].fn) == (1, 1)
    assert scores["redacted"].f1 == 1.0


def test_read_gold_on_seeds(seeds_dir):
    gold = read_gold(seeds_dir / "gold.jsonl")
    assert len(gold) == 5
    perfect = score(gold, gold)
    assert all(s.f1 == 1.0 for name, s in perfect.items() if s.tp + s.fn)
    assert json.dumps(gold)  # plain JSON all the way down
