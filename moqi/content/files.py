"""Load the shipped content files under moqi/data (or an operator's copy), validated and
cross-checked, into one Content."""

from __future__ import annotations

from pathlib import Path

from moqi.content.articles import load_articles
from moqi.content.catalogue import generic_terms, load_businesses, load_relations
from moqi.content.lexicon import escalation_channels, load_lexicon
from moqi.content.model import Content
from moqi.content.reading import (
    DATA_DIR,
    need,
    read_csv,
    read_yaml,
    shipped_words,
    shipped_yaml,
    word_list,
)
from moqi.content.scripts import agent_phrases, load_scripts, question_types
from moqi.content.taxonomy import load_taxonomy, sample_utterances, with_examples


def load_files(root: Path = DATA_DIR) -> Content:
    """Read every content file under `root`, validating codes and cross-references."""
    businesses = load_businesses(root / "catalogue" / "businesses.yaml")
    codes = {b.code for b in businesses}
    moments, reasons = load_taxonomy(root / "taxonomy.yaml", codes)
    reason_codes = {r.code for r in reasons}
    reasons = with_examples(
        reasons,
        sample_utterances(
            read_yaml(root / "utterances.yaml"), reason_codes, str(root / "utterances.yaml")
        ),
    )
    degrees = tuple(
        (row["word"], float(row["weight"]))
        for _, row in read_csv(root / "lexicon" / "degree.csv", ("word", "weight"))
    )
    negations = word_list(root / "lexicon" / "negation.txt")
    return Content(
        businesses=businesses,
        relations=load_relations(root / "catalogue" / "relations.csv", codes, reason_codes),
        moments=moments,
        reasons=reasons,
        lexicon=load_lexicon(root / "lexicon" / "emotion.csv"),
        negations=negations,
        degrees=degrees,
        masks=shipped_words("lexicon/not_emotion.txt", root),
        scripts=load_scripts(root / "scripts" / "scripts.csv", reason_codes),
        advice=read_yaml(root / "lexicon" / "advice.yaml") or {},
        operations=read_yaml(root / "operations.yaml") or {},
        articles=load_articles(root / "articles", codes, reason_codes),
        generic_terms=generic_terms(
            shipped_yaml("catalogue/generic.yaml", root),
            businesses,
            str(root / "catalogue" / "generic.yaml"),
        ),
        questions=question_types(
            shipped_yaml("scripts/questions.yaml", root) or [],
            str(root / "scripts" / "questions.yaml"),
        ),
        escalation=escalation_channels(
            shipped_yaml("lexicon/escalation.yaml", root) or {},
            str(root / "lexicon" / "escalation.yaml"),
        ),
        agent_phrases=agent_phrases(
            shipped_yaml("scripts/agent_phrases.yaml", root) or {},
            str(root / "scripts" / "agent_phrases.yaml"),
        ),
    )


def load_demo_customers(root: Path = DATA_DIR) -> list[dict]:
    """The demo customers shipped for `moqi init --demo` and the sample calls."""
    items = read_yaml(root / "demo" / "customers.yaml")
    need(isinstance(items, list), str(root / "demo" / "customers.yaml"), "expected a list")
    return items
