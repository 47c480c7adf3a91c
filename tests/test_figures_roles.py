"""Roles, qualifiers, scope, ellipsis and redaction of extracted figures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from opwatch.models.figures import METHODS, extract_figures
from opwatch.models.figures.evaluate import role_accuracy, score_articles
from opwatch.records import FIGURE_ROLES, QUALIFIERS, Figure
from opwatch.text import sentence_spans

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seeds"
SEEDS_F1_FLOOR = 0.89  # the shipped model scores 0.909 (models/figures/MODEL_CARD.md)
TEST_ACC_FLOOR = 0.93  # role accuracy on the articles' test split: 0.947 (MODEL_CARD.md)


@pytest.fixture(scope="module", autouse=True)
def encoder() -> Iterator[None]:
    """Load the shared model once for the module, offline, on one thread."""
    import torch

    from opwatch.models.ner.tagger import get_tagger

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    get_tagger(None, "torch")
    yield
    torch.set_num_threads(threads)


def _by_text(figures: list[Figure]) -> dict[str, Figure]:
    return {f.text: f for f in figures}


@pytest.mark.parametrize("method", METHODS)
def test_contract(method: str) -> None:
    text = (
        "Police in Spain arrested 38 people.\nThe man, 45, was charged with "
        "12 offences. About 2xx suspects were identified and hundreds of images seized."
    )
    spans = sentence_spans(text)
    for f in extract_figures(text, "doc", method=method):
        assert text[f.start : f.end] == f.text
        assert (f.sentence_start, f.sentence_end) in spans
        assert f.role in FIGURE_ROLES and f.qualifier in QUALIFIERS
        assert (f.value is None) == (f.redacted or f.text == "hundreds")
        assert 0.0 <= f.score <= 1.0
        assert f.method in METHODS
        assert f.article_id == "doc"


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="role classifier"):
        extract_figures("Police arrested 3 men.", "doc", method="magic")


def test_one_pass_analysis_gives_the_same_figures() -> None:
    from opwatch.models.ner.tagger import get_tagger

    text = "Police in Chile arrested 12 child predators.\n\nThe forum had 8,000 members."
    analysis = get_tagger(None, "torch").analyse([text])[0]
    shared = extract_figures(text, "doc", analysis=analysis)
    alone = extract_figures(text, "doc")
    assert [(f.text, f.role, f.score) for f in shared] == [(f.text, f.role, f.score) for f in alone]
    assert [f.role for f in shared] == ["arrests", "members"]


def test_model_without_role_head_is_a_clear_error() -> None:
    from opwatch.models.figures.roles_model import predict_roles
    from opwatch.models.ner.tagger import Analysis

    with pytest.raises(RuntimeError, match="no figure-role head"):
        predict_roles(Analysis([], [], [], None), [(0, 1)], [[0.0]])


@pytest.mark.parametrize(
    ("sentence", "surface", "role"),
    [
        ("Officers in Lyon detained 14 suspects on Tuesday.", "14", "arrests"),
        ("The sweep led to 96 arrests across the country.", "96", "arrests"),
        ("Investigators have identified 310 suspects in Europe.", "310", "suspects_identified"),
        ("A grand jury indicted 12 men on Friday.", "12", "charged"),
        ("Nine of the defendants have been convicted.", "Nine", "convicted"),
        ("Police said 41 children had been safeguarded.", "41", "victims_rescued"),
        ("Officers shut down five websites used by the group.", "five", "websites_closed"),
        ("The forum had more than 8,000 members.", "8,000", "members"),
        ("The operation targeted 230 suspected offenders.", "230", "targeted"),
        ("Police from 17 countries took part in the action.", "17", "countries_involved"),
        ("Officers seized 3 TB of material from his flat.", "3", "data_seized"),
        ("Police recovered 45,000 images from his laptop.", "45,000", "media_seized"),
        ("He made 20,000 euros from selling access.", "20,000", "money"),
        ("The suspect, 52, denied the charges.", "52", "other"),
        ("He was jailed for nine years.", "nine", "other"),
        ("The 28-year-old was arrested at home.", "28", "other"),
    ],
)
def test_roles(sentence: str, surface: str, role: str) -> None:
    figure = _by_text(extract_figures(sentence, "doc"))[surface]
    assert figure.role == role


def test_ellipsis_and_scope() -> None:
    text = (
        "Worldwide, 95 suspects were detained, 40 of them in Poland. Police in Chile "
        "arrested 12 people, with 5 more in Peru."
    )
    figs = _by_text(extract_figures(text, "doc"))
    assert [figs[k].role for k in ("95", "40", "12", "5")] == ["arrests"] * 4
    assert figs["95"].scope_code is None
    assert (figs["40"].scope_code, figs["40"].scope_text) == ("PL", "Poland")
    assert figs["5"].scope_code == "PE"


def test_scope_list_of_countries_is_not_a_scope() -> None:
    text = "The network had 9,000 members in the UK, Canada and Australia."
    assert _by_text(extract_figures(text, "doc"))["9,000"].scope_code is None


def test_redacted_placeholders_get_roles() -> None:
    # the headline alone: with the paragraph after it the retrained model reads the
    # telegraphic "xxx arrested" as identified (0.56); see MODEL_CARD.md, Limits
    headline = "2xx suspects identified and xxx arrested"
    text = (
        "The operation allowed the identification of XXX suspects and the arrest of XXX "
        "suspects in the XX participating countries."
    )
    figs = [f for t in (headline, text) for f in extract_figures(t, "doc") if f.redacted]
    assert [(f.text, f.role) for f in figs] == [
        ("2xx", "suspects_identified"),
        ("xxx", "arrests"),
        ("XXX", "suspects_identified"),
        ("XXX", "arrests"),
        ("XX", "countries_involved"),
    ]
    assert all(f.value is None for f in figs)


def test_qualifiers_and_vague() -> None:
    text = "More than 250 people were arrested and hundreds of children were rescued."
    figs = _by_text(extract_figures(text, "doc"))
    assert figs["250"].qualifier == "at_least" and figs["250"].role == "arrests"
    assert figs["hundreds"].value is None and not figs["hundreds"].redacted


def test_role_test_accuracy() -> None:
    acc, n, errors = role_accuracy("transformer")
    assert n >= 500 and acc >= TEST_ACC_FLOOR, errors[:20]


@pytest.mark.skipif(not (SEEDS / "gold.jsonl").exists(), reason="needs ../shared/eval/seeds")
def test_seeds_f1_and_redacted() -> None:
    score, redacted = score_articles(SEEDS, "transformer")
    assert score.f1 >= SEEDS_F1_FLOOR, score.misses
    got = sorted((r["role"], r["text"]) for r in redacted if r["doc"].startswith("004"))
    assert got == sorted(
        [
            ("suspects_identified", "2xx"),
            ("arrests", "xxx"),
            ("countries_involved", "xx"),
            ("suspects_identified", "XXX"),
            ("arrests", "XXX"),
            ("countries_involved", "XX"),
        ]
    )
    assert all(r["value"] is None for r in redacted)


def test_hypothetical_predicates_do_not_give_a_role():
    text = "One of the defendants, a 52-year-old teacher, faces 30 years in prison if convicted."
    roles = {f.text: f.role for f in extract_figures(text, "t", method="rules")}
    assert roles["One"] != "convicted"
    done = "Nine defendants have been convicted."
    assert [f.role for f in extract_figures(done, "t", method="rules")] == ["convicted"]


def test_an_agency_nationality_is_not_a_scope() -> None:
    text = "Colombian National Police said 21 people were arrested across five countries."
    figs = _by_text(extract_figures(text, "doc"))
    assert figs["21"].role == "arrests" and figs["21"].scope_code is None
    assert (
        _by_text(extract_figures("Chinese police detained 200 suspects.", "d"))["200"].scope_code
        == "CN"
    )


def test_units_restrict_the_roles() -> None:
    from opwatch.models.figures.roles_model import allowed_roles, aux_features, restrict
    from opwatch.models.figures.roles_rules import RuleVote

    text = "Officers seized 4 terabytes of files, $30,000 in cash and 12 laptops."
    for f in extract_figures(text, "doc"):
        assert f.role in {"data_seized", "other"} if f.unit == "bytes" else True
        assert f.role in {"money", "other"} if f.unit == "USD" else True
        assert f.role != "data_seized" or f.unit == "bytes"
    from opwatch.models.figures.numbers import parse_number

    cash = aux_features(parse_number("$30,000"), RuleVote(None, 0.0))
    assert allowed_roles(cash) == ["money", "other"]
    proba = restrict({r: 1 / 13 for r in FIGURE_ROLES}, allowed_roles(cash))
    assert proba["money"] == proba["other"] == 0.5 and proba["arrests"] == 0.0


def test_scores_are_probabilities_with_a_threshold() -> None:
    from opwatch.models.figures.roles_model import decide

    assert decide({"arrests": 0.3, "other": 0.25, "charged": 0.45}, 0.5) == ("other", 0.55)
    assert decide({"arrests": 0.6, "other": 0.4}, 0.5) == ("arrests", 0.6)


def test_role_head_reads_each_number_in_both_overlapping_windows() -> None:
    """A long article is cut into windows that overlap by half: a sub-token keeps its
    state from the window where it is most central and, as `alt_states`, from the
    second one; a short text has one window, so both readings are the same."""
    from opwatch.models.ner.tagger import get_tagger

    tagger = get_tagger(None, "torch")
    short = tagger.analyse(["Police in Spain arrested 38 people."])[0]
    assert short.alt_states is not None
    assert (short.alt_states == short.states).all()

    lines = [
        f"Officers in town {k} detained {k + 3} men and seized {k * 7} phones." for k in range(60)
    ]
    long = tagger.analyse(["\n".join(lines)])[0]
    assert len(tagger.prepare("\n".join(lines))["windows"]) > 2
    differs = abs(long.alt_states - long.states).sum(-1) > 0
    # most sub-tokens are read in two windows; the first and last few only in one
    assert 0.5 < differs.mean() < 1.0


def test_inference_number_rows_match_the_training_number_states() -> None:
    """The role head reads numpy rows at inference and torch rows in training: same."""
    import numpy as np
    import torch

    from opwatch.models.figures.roles_model import number_rows
    from opwatch.models.ner.modeling import number_states

    states = np.random.default_rng(5).normal(size=(7, 4)).astype(np.float32)
    for first, last in [(0, 0), (2, 4), (6, 6), (0, 6)]:
        got = number_rows(states, first, last, 7)
        want = number_states(torch.from_numpy(states), first, last, 7).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-6)
