"""The shared domain vocabulary: business catalogue, relations, taxonomy, lexicon, scripts.

Knowledge stores and versions it; assist compiles it into its live automata. Both speak
these plain dataclasses, so neither imports the other's internals.
"""

from moqi.content.files import (
    ContentError,
    generic_terms,
    load_files,
    parse_article,
    question_types,
    sample_utterances,
    shipped_words,
    shipped_yaml,
    with_examples,
)
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
    GenericTerm,
    LexiconEntry,
    Moment,
    QuestionType,
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
    "GenericTerm",
    "LexiconEntry",
    "Moment",
    "QuestionType",
    "Reason",
    "Relation",
    "Script",
    "generic_terms",
    "load_files",
    "parse_article",
    "question_types",
    "sample_utterances",
    "shipped_words",
    "shipped_yaml",
    "with_examples",
]
