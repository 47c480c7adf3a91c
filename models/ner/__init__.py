"""opwatch's own named-entity recogniser (PER / ORG / LOC / MISC).

Attributes are resolved lazily so that ``opwatch.models.ner.conll`` needs no torch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NerModelError", "NerSpan", "NerTagger", "get_tagger"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from opwatch.models.ner import tagger

        return getattr(tagger, name)
    raise AttributeError(name)
