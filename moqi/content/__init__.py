"""The shared domain vocabulary: business catalogue, relations, taxonomy, lexicon, scripts.

Knowledge stores and versions it; assist compiles it into its live automata. Both speak
these plain dataclasses, so neither imports the other's internals.
"""

from moqi.content.articles import parse_article
from moqi.content.catalogue import generic_terms
from moqi.content.files import load_files
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
from moqi.content.reading import ContentError, shipped_words, shipped_yaml
from moqi.content.scripts import question_types
from moqi.content.taxonomy import sample_utterances, with_examples

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
