"""The shared domain vocabulary: business catalogue, relations, taxonomy, lexicon, scripts.

Knowledge stores and versions it; assist compiles it into its live automata. Both speak
these plain dataclasses, so neither imports the other's internals.
"""

from moqi.content.files import ContentError, load_files, parse_article
from moqi.content.model import (
    EMOTIONS,
    MOMENTS,
    NEGATIVE_EMOTIONS,
    POSITIVE_EMOTIONS,
    RELATIONS,
    STAGES,
    Article,
    Business,
    Content,
    LexiconEntry,
    Moment,
    Reason,
    Relation,
    Script,
)

__all__ = [
    "EMOTIONS",
    "MOMENTS",
    "NEGATIVE_EMOTIONS",
    "POSITIVE_EMOTIONS",
    "RELATIONS",
    "STAGES",
    "Article",
    "Business",
    "Content",
    "ContentError",
    "LexiconEntry",
    "Moment",
    "Reason",
    "Relation",
    "Script",
    "load_files",
    "parse_article",
]
