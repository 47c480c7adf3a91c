"""Figure roles from the shared encoder: the role head reads each number's token states.

The article is encoded once (``NerTagger.analyse``: the same pass gives the entity
spans); for every number the head reads the mean state of its sub-tokens, the states
just before and after it, and ``aux_features``: the number's unit kind, qualifier,
vague/redacted flags and the rules' vote (an input, never an override). Probabilities
are temperature-scaled (the temperature is fitted on the validation split at training
time and stored in the model's config), so a figure's score can be filtered on, and
restricted to the roles the parsed unit allows (an amount of money is `money` or
`other`, a data volume `data_seized` or `other`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opwatch.models.figures.numbers import ParsedNumber
from opwatch.models.figures.roles_rules import CURRENCIES, MEDIA_UNITS, RuleVote
from opwatch.records import FIGURE_ROLES, QUALIFIERS

if TYPE_CHECKING:
    from opwatch.models.ner.tagger import Analysis

UNIT_KINDS = ("none", "currency", "bytes", "media")
_VOTE_DIM = len(FIGURE_ROLES) + 1
AUX_DIM = len(UNIT_KINDS) + len(QUALIFIERS) + 2 + 2 * _VOTE_DIM + 2


def _unit_kind(unit: str | None) -> str:
    if unit is None:
        return "none"
    if unit in CURRENCIES or (len(unit) == 3 and unit.isupper() and unit not in MEDIA_UNITS):
        return "currency"
    return "bytes" if unit == "bytes" else "media"


def _vote_vector(vote: RuleVote | None) -> list[float]:
    if vote is None:
        return [0.0] * _VOTE_DIM
    return [vote.confidence if vote.role == r else 0.0 for r in FIGURE_ROLES] + [
        float(vote.role is None)
    ]


def aux_features(
    number: ParsedNumber, vote: RuleVote, previous: RuleVote | None = None
) -> list[float]:
    """Deterministic facts about one number, as the role head's extra input: unit kind,
    qualifier, vague/redacted, the rules' vote, and the vote for the number before it
    in the same sentence (what "60 of them" or "17 elsewhere" continue)."""
    unit = [float(_unit_kind(number.unit) == k) for k in UNIT_KINDS]
    qual = [float(number.qualifier == q) for q in QUALIFIERS]
    flags = [float(number.vague), float(number.redacted)]
    votes = _vote_vector(vote) + _vote_vector(previous)
    return unit + qual + flags + votes + [float(vote.hard), float(vote.elliptical)]


def analyse_text(text: str) -> Analysis:
    """Encode one text with the shipped shared model (used when no analysis is given)."""
    from opwatch.models.ner.tagger import get_tagger

    return get_tagger(None, "torch").analyse([text])[0]


# What a parsed unit allows, by GOLD_FORMAT's definitions: a money amount is `money`
# or `other`, a data volume `data_seized` or `other`, and a plain count never a volume.
_UNIT_ROLES = {"currency": {"money", "other"}, "bytes": {"data_seized", "other"}}


def allowed_roles(aux: list[float]) -> list[str]:
    """Roles the number's unit kind (the first entries of its aux row) allows."""
    kind = UNIT_KINDS[max(range(len(UNIT_KINDS)), key=lambda k: aux[k])]
    allowed = _UNIT_ROLES.get(kind)
    return [r for r in FIGURE_ROLES if (r in allowed if allowed else r != "data_seized")]


def restrict(proba: dict[str, float], allowed: list[str]) -> dict[str, float]:
    """The probabilities renormalised over the allowed roles (others get 0)."""
    total = sum(proba[r] for r in allowed) or 1.0
    return {r: (proba[r] / total if r in allowed else 0.0) for r in proba}


def decide(proba: dict[str, float], min_probability: float) -> tuple[str, float]:
    """(role, score): the most probable role, or `other` when that role's probability is
    under the threshold chosen on the validation split (stored with the model)."""
    role = max(proba, key=lambda r: proba[r])
    if role != "other" and proba[role] < min_probability:
        return "other", 1.0 - proba[role]
    return role, proba[role]


def min_probability(analysis: Analysis) -> float:
    """The shipped threshold of the model that encoded `analysis` (0 when none)."""
    return float(getattr(analysis.model.config, "role_min_probability", 0.0))


def number_rows(states: Any, first: int, last: int, n_tokens: int) -> Any:
    """numpy twin of opwatch.models.ner.modeling.number_states (which training uses on torch
    tensors): (3, hidden) = mean over first..last, the sub-token before and after."""
    import numpy as np

    prev = first - 1 if first > 0 else 0
    nxt = last + 1 if last + 1 < n_tokens else n_tokens - 1
    return np.stack([states[first : last + 1].mean(0), states[prev], states[nxt]])


def role_logits(head: Any, states: Any, aux: Any) -> Any:
    """The role head's logits as numpy; the onnx head takes numpy, the torch one tensors."""
    if getattr(head, "takes_numpy", False):
        return head(states, aux)
    import torch

    with torch.inference_mode():
        return head(torch.from_numpy(states), torch.from_numpy(aux)).numpy()


def predict_roles(
    analysis: Analysis, spans: list[tuple[int, int]], aux: list[list[float]]
) -> list[dict[str, float]]:
    """Calibrated role probabilities for each number span (character offsets)."""
    import numpy as np

    from opwatch.models.ner.windows import _softmax

    model = analysis.model
    if model is None or analysis.states is None or model.role_head is None:
        raise RuntimeError(
            "the NER model has no figure-role head; use the shipped model "
            "(unset OPWATCH_NER_MODEL) or OPWATCH_ROLE_CLASSIFIER=rules"
        )
    labels = list(model.config.role_labels)
    temperature = float(getattr(model.config, "role_temperature", 1.0))
    n = analysis.states.shape[0]
    ranges = []
    for start, end in spans:
        span = analysis.token_range(start, end)
        ranges.append(span if span else (0, 0))
    if not ranges:
        return []
    # each number read in the window where it is most central and in the second one
    # (windows overlap by half); the two calibrated probability vectors are averaged
    readings = [analysis.states]
    if analysis.alt_states is not None:
        readings.append(analysis.alt_states)
    features = np.asarray(aux, dtype=np.float32)
    probs = sum(
        _softmax(
            role_logits(
                model.role_head,
                np.stack([number_rows(h, first, last, n) for first, last in ranges]),
                features,
            )
            / temperature
        )
        for h in readings
    ) / len(readings)
    return [
        restrict(dict(zip(labels, row.tolist(), strict=True)), allowed_roles(a))
        for row, a in zip(probs, aux, strict=True)
    ]
