"""Normalised entities: ISO countries, canonical agencies, linked persons, operations.

`normalise_entities` is the one entry point the extract stage calls; the two
look-ups serve other components (figure scopes, agency keys).
"""

from opwatch.models.normalize.agencies import canonical_agency
from opwatch.models.normalize.countries import country_code, place_code
from opwatch.models.normalize.entities import SpanLike, normalise_entities

__all__ = ["SpanLike", "canonical_agency", "country_code", "normalise_entities", "place_code"]
