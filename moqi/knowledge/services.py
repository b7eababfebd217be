"""Content in the database: load the shipped files, read the live content back, track revisions."""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from moqi.content import (
    Business,
    Content,
    ContentError,
    GenericTerm,
    LexiconEntry,
    Moment,
    Reason,
    Relation,
    Script,
    generic_terms,
    question_types,
    sample_utterances,
    shipped_words,
    shipped_yaml,
    with_examples,
)
from moqi.knowledge import items, versions
from moqi.knowledge.customer_answers import (  # noqa: F401 - the capability's interface
    customer_article,
    customer_search,
    hot_articles,
    record_portal_view,
)
from moqi.knowledge.models import (
    ArticleRow,
    BusinessRow,
    ContentDocRow,
    ContentRevisionRow,
    LexiconRow,
    ModifierRow,
    MomentRow,
    ReasonRow,
    RelationRow,
    ScriptRow,
)

if TYPE_CHECKING:  # the index is imported when first built: jieba and bm25s load with it
    from moqi.knowledge.search import KnowledgeIndex

_TABLES = (
    RelationRow,
    ArticleRow,
    BusinessRow,
    MomentRow,
    ReasonRow,
    LexiconRow,
    ModifierRow,
    ScriptRow,
    ContentDocRow,
)


def replace_content(
    session: Session, content: Content, note: str, author: str = "moqi init"
) -> int:
    """Replace all live content with `content` in the caller's transaction; returns the new revision.

    Versioned items (articles, scripts, businesses, lexicon entries) keep their history: each
    one that changed, appeared or went gets a new version.
    """
    for table in _TABLES:
        session.execute(delete(table))
    session.add_all(
        BusinessRow(
            code=b.code,
            name=b.name,
            category=b.category,
            aliases=list(b.aliases),
            summary=b.summary,
        )
        for b in content.businesses
    )
    session.add_all(
        RelationRow(src=r.src, dst=r.dst, relation=r.relation, note=r.note)
        for r in content.relations
    )
    session.add_all(
        MomentRow(code=m.code, label=m.label, cues=list(m.cues)) for m in content.moments
    )
    session.add_all(
        ReasonRow(
            code=r.code,
            label=r.label,
            moment=r.moment,
            position=i,
            cues=list(r.cues),
            businesses=list(r.businesses),
            events=dict(r.events),
        )
        for i, r in enumerate(content.reasons)
    )
    session.add_all(
        LexiconRow(
            word=e.word,
            category=e.category,
            intensity=e.intensity,
            escalation=e.escalation,
            churn=e.churn,
            domain=e.domain,
        )
        for e in content.lexicon
    )
    session.add_all(
        ModifierRow(word=w, kind="negation", weight=None) for w in dict.fromkeys(content.negations)
    )
    negations = set(content.negations)
    session.add_all(
        ModifierRow(word=w, kind="degree", weight=x)
        for w, x in dict(content.degrees).items()
        if w not in negations
    )
    modifiers = negations | {w for w, _ in content.degrees}
    session.add_all(
        ModifierRow(word=w, kind="mask", weight=None)
        for w in dict.fromkeys(content.masks)
        if w not in modifiers
    )
    session.add_all(
        ScriptRow(
            id=s.id,
            kind=s.kind,
            reason=s.reason,
            emotion=s.emotion,
            brand=s.brand,
            region=s.region,
            stage=s.stage,
            text=s.text,
            conditions=list(s.conditions),
        )
        for s in content.scripts
    )
    session.add_all(
        ArticleRow(**versions.row_values("article", key, body))
        for _, key, body in map(items.body_of, content.articles)
    )
    session.add(ContentDocRow(key="advice", body=content.advice))
    session.add(ContentDocRow(key="operations", body=content.operations))
    session.add(ContentDocRow(key="escalation", body=content.escalation))
    session.add(ContentDocRow(key="agent_phrases", body=content.agent_phrases))
    session.add(ContentDocRow(key="generic_terms", body=[asdict(g) for g in content.generic_terms]))
    session.add(ContentDocRow(key="questions", body=[asdict(q) for q in content.questions]))
    session.add(
        ContentDocRow(
            key="utterances", body={r.code: list(r.examples) for r in content.reasons if r.examples}
        )
    )
    revision = versions.new_revision(session, note)
    bodies = {
        (kind, key): body
        for kind, key, body in map(
            items.body_of,
            (*content.articles, *content.scripts, *content.businesses, *content.lexicon),
        )
    }
    versions.record_versions(session, bodies, author=author, note=note, revision=revision)
    return revision


def current_revision(session: Session) -> int:
    """The newest content revision id (0 when nothing is loaded)."""
    return session.scalar(select(func.max(ContentRevisionRow.id))) or 0


def load_content(session: Session) -> Content:
    """The live content as stored in the database."""
    docs = {d.key: d.body for d in session.scalars(select(ContentDocRow))}
    modifiers = list(session.scalars(select(ModifierRow).order_by(ModifierRow.word)))
    businesses = tuple(
        Business(b.code, b.name, b.category, tuple(b.aliases), b.summary)
        for b in session.scalars(select(BusinessRow).order_by(BusinessRow.code))
    )
    reasons = tuple(
        Reason(
            r.code,
            r.label,
            r.moment,
            tuple(r.cues),
            tuple(r.businesses),
            tuple((k, float(v)) for k, v in r.events.items()),
        )
        for r in session.scalars(select(ReasonRow).order_by(ReasonRow.position))
    )
    # An instance loaded before sample utterances existed has none stored: it reads the shipped
    # ones, for the reasons it has.
    codes = {r.code for r in reasons}
    examples = docs.get("utterances")
    if examples is None:
        shipped = shipped_yaml("utterances.yaml") or {}
        examples = {code: lines for code, lines in shipped.items() if code in codes}
    examples = sample_utterances(examples, codes, "utterances")
    return Content(
        businesses=businesses,
        relations=tuple(
            Relation(r.src, r.dst, r.relation, r.note)
            for r in session.scalars(select(RelationRow).order_by(RelationRow.id))
        ),
        moments=tuple(
            Moment(m.code, m.label, tuple(m.cues)) for m in session.scalars(select(MomentRow))
        ),
        reasons=with_examples(reasons, examples),
        lexicon=tuple(
            LexiconEntry(e.word, e.category, e.intensity, e.escalation, e.churn, e.domain)
            for e in session.scalars(select(LexiconRow).order_by(LexiconRow.word))
        ),
        negations=tuple(m.word for m in modifiers if m.kind == "negation"),
        degrees=tuple((m.word, float(m.weight or 1.0)) for m in modifiers if m.kind == "degree"),
        scripts=tuple(
            Script(
                s.id,
                s.kind,
                s.reason,
                s.emotion,
                s.brand,
                s.region,
                s.stage,
                s.text,
                tuple(s.conditions or ()),
            )
            for s in session.scalars(select(ScriptRow).order_by(ScriptRow.id))
        ),
        advice=docs.get("advice", {}),
        # Kinds of phrase added to the shipped file after this instance was loaded (wrap_up …)
        # come from the file; the ones the instance has stay as they are.
        operations={**(shipped_yaml("operations.yaml") or {}), **docs.get("operations", {})},
        articles=tuple(
            items.item_of("article", a.id, versions.body_of_row("article", a))
            for a in session.scalars(select(ArticleRow).order_by(ArticleRow.id))
        ),
        generic_terms=_generic_terms(docs.get("generic_terms"), businesses),
        # An instance loaded before question types existed reads the shipped ones.
        questions=question_types(
            docs["questions"]
            if "questions" in docs
            else shipped_yaml("scripts/questions.yaml") or [],
            "questions",
        ),
        # An instance loaded before masks existed has none stored: it reads the shipped list.
        masks=tuple(m.word for m in modifiers if m.kind == "mask")
        or shipped_words("lexicon/not_emotion.txt"),
        # An instance loaded before these documents existed reads the shipped ones.
        escalation=docs.get("escalation") or shipped_yaml("lexicon/escalation.yaml") or {},
        agent_phrases=docs.get("agent_phrases") or shipped_yaml("scripts/agent_phrases.yaml") or {},
    )


def _generic_terms(
    stored: list | None, businesses: tuple[Business, ...]
) -> tuple[GenericTerm, ...]:
    """The stored generic terms that fit the live catalogue (an instance loaded before they
    existed gets the shipped ones); a group naming a business since removed, or a word since
    made an alias, is left out rather than stopping the engine."""
    fitting: list[GenericTerm] = []
    for group in shipped_yaml("catalogue/generic.yaml") if stored is None else stored:
        try:
            fitting += generic_terms([group], businesses, "generic terms")
        except ContentError:
            continue
    return tuple(fitting)


_indexes: dict[tuple[str, int], KnowledgeIndex] = {}
_KEEP_DATABASES = 4
_index_lock = threading.Lock()
_embedder = None  # the process's one embedding engine (semantic.E5Embedder), made on first use


def search_index(session: Session) -> KnowledgeIndex:
    """The search index of the newest content revision (built once per revision).

    With the semantic stage on (settings.semantic_search), the passages are embedded on a
    background thread: the index answers with words alone until they are ready
    (`index.semantic_status` says which)."""
    from moqi.knowledge.search import KnowledgeIndex

    key = (str(session.get_bind().engine.url), current_revision(session))
    with _index_lock:
        index = _indexes.get(key)
        if index is None:
            index = KnowledgeIndex(load_content(session))
            _start_semantic(index)
            for old in [k for k in _indexes if k[0] == key[0]]:
                del _indexes[old]
            _indexes[key] = index
            while len(_indexes) > _KEEP_DATABASES:  # a process that has opened many databases
                del _indexes[next(iter(_indexes))]  # (tests, tools) keeps the newest few
    return index


def _start_semantic(index: KnowledgeIndex) -> None:
    from moqi.knowledge.semantic import MODEL, E5Embedder, EmbeddingCache, TooMany
    from moqi.settings import get_settings

    global _embedder
    settings = get_settings()
    if settings.semantic_search == "off":
        index.semantic_status = "off (MOQI_SEMANTIC_SEARCH=off)"
        return
    if _embedder is None:
        _embedder = E5Embedder()
    embedder, limit = _embedder, settings.semantic_max_new
    cache = EmbeddingCache(settings.home / "cache" / "embeddings" / MODEL)
    index.semantic_status = "building"

    def embed() -> None:
        try:
            index.add_semantic(embedder, cache, limit=limit)
        except TooMany as exc:
            index.semantic_status = f"off: {exc} (MOQI_SEMANTIC_MAX_NEW)"
        except Exception as exc:  # no engine here: words alone, never a failed search
            index.semantic_status = f"unavailable: {type(exc).__name__}: {exc}"
        finally:
            index.semantic_done.set()

    threading.Thread(target=embed, name="moqi-embed-passages", daemon=True).start()


def search_state(database_url: str) -> str | None:
    """The semantic stage of the newest search index built for a database: "on", "building",
    "off …" or "unavailable …" (None when no search has been made yet)."""
    with _index_lock:
        states = [
            index.semantic_status for (url, _), index in _indexes.items() if url == database_url
        ]
    return states[-1] if states else None


def export_rows(session: Session, kind: str) -> list[tuple[str, dict]]:
    """Every published item of a kind as (key, body), by key."""
    table, pk = versions.LIVE[kind]
    return [
        (getattr(row, pk), versions.body_of_row(kind, row))
        for row in session.scalars(select(table).order_by(getattr(table, pk)))
    ]


def import_items(
    session: Session, kind: str, rows: list[tuple[str, dict, str]], *, author: str, note: str
) -> dict[str, int]:
    """Publish imported items (new or changed ones) as one revision, or nothing at all.

    Every row is checked before anything is written; an ItemError names the row at fault.
    """
    known = versions.codes(session)
    checked = []
    for key, body, where in rows:
        try:
            checked.append((key, items.check(kind, key, body, **known)))
        except items.ItemError as exc:
            raise items.ItemError(f"{where}: {exc}") from None
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    changed = []
    for key, body in checked:
        live = versions.live_body(session, kind, key)
        state = "created" if live is None else "unchanged" if live == body else "updated"
        counts[state] += 1
        if state != "unchanged":
            changed.append((key, body))
    if changed:
        revision = versions.new_revision(session, note)
        for key, body in changed:
            versions.publish(session, kind, key, body, author=author, note=note, revision=revision)
    return counts


# What the customers' self-service portal reads (moqi.channels.portal): published articles only,
# and of each only what a customer may read (question and answer, never the agents' steps or
# key points).
