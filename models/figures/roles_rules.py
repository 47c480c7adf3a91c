"""Lexicon rules for a number's role: its counted noun, then the nearest predicate.

A rule vote is a role with a confidence; `hard` votes (money, data volumes, ages,
durations, non-prose lines) are kept by the combiner whatever the model says.
Elliptical follow-ups ("121 of them in Britain", "19 more in Hong Kong") are flagged
and resolved by the extractor, which knows the previous figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from opwatch.models.figures.numbers import ParsedNumber

CURRENCIES = {
    "USD",
    "EUR",
    "GBP",
    "CNY",
    "AUD",
    "CAD",
    "NZD",
    "HKD",
    "SGD",
    "BRL",
    "INR",
    "JPY",
    "PHP",
    "THB",
    "MYR",
    "CHF",
    "SEK",
    "ZAR",
}
MEDIA_UNITS = {"DVD", "CD", "images", "videos", "files", "devices"}


@dataclass(frozen=True)
class Mention:
    """A number inside its sentence (offsets relative to the sentence)."""

    sentence: str
    start: int
    end: int
    number: ParsedNumber
    others: tuple[tuple[int, int], ...] = ()  # other numbers in the sentence


@dataclass(frozen=True)
class RuleVote:
    role: str | None  # None: the rules abstain
    confidence: float
    hard: bool = False
    elliptical: bool = False
    reason: str = ""


def _words(*items: str) -> str:
    return "|".join(items)


NOUNS = {
    "arrests": _words("arrests", "detentions"),
    "countries_involved": _words(
        r"(?:participating\s+|partner\s+|member\s+|other\s+|different\s+|european\s+|"
        r"separate\s+|involved\s+)?(?:countries|nations|jurisdictions|member\s+states|"
        r"territories|law\s+enforcement\s+agencies\s+from)"
    ),
    "victims_rescued": _words(
        "children",
        "child",
        "victims",
        "victim",
        "kids",
        "minors",
        "girls",
        "boys",
        "infants",
        "babies",
        "toddlers",
        "youngsters",
        "teenagers",
        "youths",
        "juveniles",
        "child\\s+victims",
    ),
    "websites_closed": _words(
        "websites",
        "website",
        "sites",
        "site",
        "boards",
        "board",
        "forums",
        "forum",
        "servers",
        "server",
        "domains",
        "platforms",
        "chat\\s*rooms",
        "channels",
        "pages",
        "web\\s*pages",
    ),
    "members": _words(
        "members",
        "member",
        "users",
        "user",
        "subscribers",
        "accounts",
        "registered\\s+users",
        "customers",
        "visitors",
    ),
    "person": _words(
        "people",
        "persons",
        "person",
        "suspects",
        "suspect",
        "individuals",
        "individual",
        "men",
        "man",
        "women",
        "woman",
        "offenders",
        "offender",
        "defendants",
        "defendant",
        "adults",
        "perpetrators",
        "paedophiles",
        "pedophiles",
        "predators",
        "abusers",
        "molesters",
        "others",
        "nationals",
        "citizens",
        "foreigners",
        "accused",
        "targets",
        "administrators",
        "moderators",
        "producers",
        "teachers",
        "priests",
        "soldiers",
        "more",
    ),
    "other": _words(
        "years?",
        "months?",
        "weeks?",
        "days?",
        "minutes?",
        "seconds?",
        "provinces",
        "cities",
        "states",
        "continents",
        "regions",
        "districts",
        "counties",
        "towns",
        "cases",
        "crimes",
        "offences",
        "offenses",
        "counts",
        "charges",
        "times",
        "laws?",
        "agencies",
        "officers",
        "officials",
        "police",
        "agents",
        "investigators",
        "raids",
        "searches",
        "warrants",
        "languages",
        "hotlines",
        "reports",
        "tips",
        "km",
        "miles",
        "kg",
        "kilometres",
        "kilometers",
        "steps",
        "pillars",
        "points",
        "percent",
        "articles",
        "sections",
        "companies",
        "banks",
        "schools",
        "emails",
        "messages",
        "calls",
        "centres",
        "centers",
        "units",
        "teams",
        "ways",
    ),
}
_NOUN_RES = {k: re.compile(rf"^\s*(?:[\w'-]+\s+){{0,3}}?(?:{v})\b", re.I) for k, v in NOUNS.items()}

PREDICATES = {
    "arrests": r"arrest(?:ed|s|ing)?|detain(?:ed|ing|s)?|detention|apprehend(?:ed|ing)?|"
    r"nabb(?:ed|ing)|held|in\s+custody|taken\s+into\s+custody|caught|"
    r"picked\s+up|rounded\s+up|captured|locked\s+up|under\s+arrest",
    "suspects_identified": r"identif(?:ied|y|ying|ication)|under\s+investigation|looking\s+into|"
    r"look(?:ed)?\s+into|suspected\s+of|questioned|interviewed|"
    r"being\s+investigated|probed|traced|tracked\s+down|located|unmasked",
    "charged": r"charg(?:ed|es|ing)|indict(?:ed|ment|ments)?|prosecut(?:ed|ion|ions)|"
    r"accused|face\s+trial|committed\s+for\s+trial|brought\s+before",
    "convicted": r"convict(?:ed|ion|ions)|sentenc(?:ed|ing)|jailed|imprisoned|found\s+guilty|"
    r"pleaded\s+guilty|pled\s+guilty|guilty\s+pleas?",
    "targeted": r"target(?:ed|ing|s)?|investigat(?:ed|ing)|under\s+surveillance|focus(?:ed)?\s+on|"
    r"raided|searched|search\s+warrants|visited|singled\s+out",
    "victims_rescued": r"rescu(?:ed|e|ing)|safeguard(?:ed|ing)?|saved|freed|out\s+of\s+danger|"
    r"removed\s+from|protected|liberated|taken\s+into\s+care|"
    r"out\s+of\s+harm",
    "websites_closed": r"shut\s+down|shutting\s+down|closed|clos(?:ing|ure)|taken\s+down|"
    r"took\s+down|take\s+down|taken\s+offline|dismantl(?:ed|ing)|"
    r"blocked|disabled|seized|knocked\s+offline|pulled\s+offline|"
    r"shut|removed|deleted|disrupted",
    "members": r"registered|used\s+by|subscribed|signed\s+up|logged\s+in|membership|"
    r"had\s+more\s+than|boasted",
    "countries_involved": r"took\s+part|taking\s+part|take\s+part|participat(?:ed|ing|ion)|"
    r"involv(?:ed|ing)|joined|cooperat(?:ed|ing|ion)|collaborat(?:ed|ing)|"
    r"spread\s+over|spanned|across|worked\s+together|coordinated",
}
_PRED_RES = {k: re.compile(rf"\b(?:{v})\b", re.I) for k, v in PREDICATES.items()}
_NETWORK = re.compile(
    r"\b(?:sites?|websites?|forums?|boards?|networks?|groups?|platforms?|"
    r"channels?|rings?|communit(?:y|ies)|chat\s*rooms?|apps?|servers?|"
    r"services?|clubs?|gangs?)\b",
    re.I,
)
_PRED_WORD_RES = [re.compile(v, re.I) for v in PREDICATES.values()]
_PERSON_ROLES = ("arrests", "suspects_identified", "charged", "convicted", "targeted")

_AGE = re.compile(
    r"^(?:-|\s)?years?[- ]old|^\s*(?:-|\s)?months?[- ]old|^\s*(?:years|months)\s+old|^,\s|"
    r"^\s*(?:years?|months?)\s+(?:of\s+age|younger|older)|^s\b",
    re.I,
)
_AGE_BEFORE = re.compile(
    r"(?:\baged?|\bages\s+of|\bage\s+of|as\s+young\s+as|as\s+old\s+as|"
    r"\bunder\s+the\s+age\s+of|\bbetween\s+the\s+ages\s+of)\s*$",
    re.I,
)
_NAME_COMMA = re.compile(r"[A-Z][\w'-]+,\s*$")
_DURATION = re.compile(
    r"^\s*(?:-\s*)?(?:years?|months?|weeks?|days?|minutes?|decades?|"
    r"year|month)\b",
    re.I,
)
_ELLIPSIS = re.compile(
    r"^\s*(?:of\s+(?:them|whom|those|which|these)|more\b|others?\b|"
    r"(?:in|from|at)\s+(?:the\s+)?[A-Z]|were\s+in\b|are\s+in\b|,|\.|;|\s*$)"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|could\s+be|would\s+be|if\s+(?:they|he|she)\s+(?:are|is))\s+$", re.I
)
_PARTITIVE = re.compile(r"^\s+of\s+(?:the|these|those)\s+", re.I)


def _noun_class(after: str) -> str | None:
    """The class of the first counted noun after the number (shortest match wins)."""
    best, best_len = None, 10**9
    for cls, pattern in _NOUN_RES.items():
        m = pattern.match(after)
        if m and m.end() < best_len:
            best, best_len = cls, m.end()
    return best


_NEXT_WORD = re.compile(r"\s+[a-z-]+")
# _HYPOTHETICAL ends at the predicate: only this much text before it can match.
_HYPOTHETICAL_REACH = 40
_BEFORE_REACH = 80


def _masked(m: Mention) -> str:
    """The sentence with other numbers' attributive words blanked ("72 charged men")."""
    s = m.sentence
    for _a, b in m.others:
        w = _NEXT_WORD.match(s, b)
        if w and any(r.fullmatch(w.group().strip()) for r in _PRED_WORD_RES):
            s = s[:b] + " " * (w.end() - b) + s[w.end() :]
    return s


def _nearest_predicate(
    sentence: str, start: int, end: int, roles: tuple[str, ...]
) -> tuple[str | None, int]:
    """The role whose predicate lies nearest the number (after it wins ties)."""
    best, best_dist = None, 10**9
    for role in roles:
        for m in _PRED_RES[role].finditer(sentence):
            dist = m.start() - end if m.start() >= end else (start - m.end()) * 2.5
            if dist >= best_dist:
                if m.start() >= end:
                    break  # later matches are only further away
                continue
            head = sentence[max(0, m.start() - _HYPOTHETICAL_REACH) : m.start()]
            if _HYPOTHETICAL.search(head):
                continue  # "faces 30 years if convicted": nothing happened yet
            best, best_dist = role, int(dist)
    return best, best_dist


_PROSE_WORD = re.compile(r"\b[a-z]{3,}\b")


def _has_prose(sentence: str) -> bool:
    """At least two lower-case words (stops reading at the second)."""
    return next(islice(_PROSE_WORD.finditer(sentence), 1, None), None) is not None


def rule_role(m: Mention) -> RuleVote:
    """Role vote for one number from its sentence, by lexicons and patterns."""
    s, num = _masked(m), m.number
    # the patterns read on `before` end at the number: its last characters suffice
    before, after = s[max(0, m.start - _BEFORE_REACH) : m.start], s[m.end :]
    if num.value == 0 or not _has_prose(s):
        return RuleVote("other", 0.95, hard=True, reason="no prose or zero")
    if num.unit in CURRENCIES:
        return RuleVote("money", 0.99, hard=True, reason="currency")
    if num.unit == "bytes":
        return RuleVote("data_seized", 0.9, hard=True, reason="bytes")
    if (
        _AGE_BEFORE.search(before)
        or (_AGE.match(after) and not num.redacted)
        or (
            _NAME_COMMA.search(before)
            and re.match(r"^\s*[,)]", after)
            and num.value
            and num.value < 110
        )
    ):
        return RuleVote("other", 0.95, hard=True, reason="age")
    if _DURATION.match(after) or re.search(r"\bthe\s+(?:last|past|next)\s+$", before):
        return RuleVote("other", 0.9, hard=True, reason="duration")
    if re.search(r"\bof\s+(?:the|these|those)\s+$", before) and not num.redacted:
        return RuleVote("other", 0.7, reason="partitive total")
    if num.unit in MEDIA_UNITS:
        return RuleVote("media_seized", 0.75, reason="media unit")
    if re.match(r"^\s+(?:as\s+(?:young|old)\s+as|aged)\b", after):
        return RuleVote("other", 0.6, reason="described by age")
    if num.unit == "hours":
        return RuleVote("other", 0.6, reason="hours")
    noun_text = after
    partitive = _PARTITIVE.match(after)
    if partitive:  # "Seven of the abused children": the noun follows the total
        rest = after[partitive.end() :]
        skip = re.match(r"^(?:\S+\s+){0,1}?\d[\d,.]*\s+", rest)
        noun_text = " " + (rest[skip.end() :] if skip else rest)
    cls = _noun_class(noun_text)
    if cls is None and _ELLIPSIS.match(after) and not partitive:
        pred, dist = _nearest_predicate(s, m.start, m.end, tuple(PREDICATES))
        own = pred if 0 <= dist < 25 and s[m.end : m.end + dist + 1].find(",") < 0 else None
        return RuleVote(own, 0.6 if own else 0.0, elliptical=own is None, reason="ellipsis")
    if cls == "more":
        cls = "person"
    return _vote_for_class(cls, s, m.start, m.end, bool(partitive))


def _vote_for_class(cls: str | None, s: str, start: int, end: int, partitive: bool) -> RuleVote:
    if cls == "other":
        return RuleVote("other", 0.8, reason="other noun")
    if cls == "arrests":
        return RuleVote("arrests", 0.9, reason="noun arrests")
    if cls == "countries_involved":
        # The noun alone is weak ("agreements with 45 countries"); taking part is strong.
        pred, dist = _nearest_predicate(s, start, end, ("countries_involved",))
        strong = (pred and dist < 60) or re.search(
            r"\b(?:in|from|across|over)\s+$", s[max(0, start - _BEFORE_REACH) : start]
        )
        return RuleVote("countries_involved", 0.8 if strong else 0.3, reason="noun countries")
    if cls == "victims_rescued":
        pred, _ = _nearest_predicate(s, start, end, ("victims_rescued", "suspects_identified"))
        return RuleVote("victims_rescued", 0.85 if pred else 0.5, reason="noun children")
    if cls == "websites_closed":
        pred, _ = _nearest_predicate(s, start, end, ("websites_closed",))
        if pred:
            return RuleVote("websites_closed", 0.85, reason="noun sites + takedown")
        return RuleVote("other" if partitive else "websites_closed", 0.4, reason="noun sites")
    pred, dist = _nearest_predicate(s, start, end, (*_PERSON_ROLES, "members"))
    if cls == "members":
        if pred in _PERSON_ROLES and dist < 80:
            return RuleVote(pred, 0.75, reason="members + predicate")
        # Members of what? Without a site, forum or network in view it is weak evidence.
        strong = pred == "members" or _NETWORK.search(s)
        return RuleVote("members", 0.8 if strong else 0.3, reason="noun members")
    if cls == "person":
        if pred and dist < 120:
            return RuleVote(pred, 0.8, reason="person + predicate")
        return RuleVote(None, 0.0, reason="person, no predicate")
    pred, dist = _nearest_predicate(s, start, end, tuple(PREDICATES))
    if pred and dist < 15:
        return RuleVote(pred, 0.5, reason="predicate next to number")
    return RuleVote("other", 0.4, reason="no known noun")
