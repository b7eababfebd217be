"""`moqi eval`: measure moqi against labelled data — polarity, emotion, satisfaction, call reasons, search."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from moqi.cli.common import fail
from moqi.cli.eval_asr import asr
from moqi.cli.eval_calls import calls

if TYPE_CHECKING:
    from moqi.assist import evaluate as ev
    from moqi.assist.labelled import NeedItem

app = typer.Typer(
    help="Evaluate moqi on labelled data (the shipped lexicon and any trained model, side by side).",
    no_args_is_help=True,
)
DataOpt = Annotated[
    Path, typer.Option("--data", help="Labelled JSONL ({text, label}) or CSV file.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object with the figures.")]
CorpusOpt = Annotated[Path, typer.Option("--corpus", help="JSONL corpus, one {id, text} a line.")]
app.command("calls")(calls)
app.command("asr")(asr)
QueriesOpt = Annotated[
    Path,
    typer.Option("--queries", help="JSONL queries, one {query, relevant: [corpus ids]} a line."),
]


@contextmanager
def _progress(total: int):
    """A progress bar on a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("evaluating", total=total)
        yield lambda n: bar.advance(task, n)


def _read(path: Path, **kw) -> tuple[list[str], list[str]]:
    from moqi.assist.labelled import LabelledDataError, read_labelled

    try:
        return read_labelled(path, **kw)
    except LabelledDataError as exc:
        fail(str(exc))


def _lexicon_reader(mapper: Callable) -> Callable[[str], str]:
    from moqi.assist.engine import default_engine
    from moqi.nlp.normalize import normalize

    engine = default_engine()
    return lambda text: mapper(engine.read_emotion(normalize(text)))


def _report(title: str, results: dict[str, ev.Scores], as_json: bool) -> None:

    default = results["moqi-lexicon"]
    if as_json:
        out = {"model": "moqi-lexicon", **default.as_dict()}
        if "trained" in results:
            out["trained"] = results["trained"].as_dict()
        print(json.dumps(out, ensure_ascii=False))
        return
    console = Console()
    table = Table(title=title)
    for col in ("model", "n", "accuracy", "macro-F1"):
        table.add_column(col)
    for name, s in results.items():
        table.add_row(name, str(s.n), f"{s.accuracy:.3f}", f"{s.macro_f1:.3f}")
    console.print(table)
    for name, s in results.items():
        confusion = Table(title=f"{name}: confusion (rows gold, columns predicted)")
        confusion.add_column("")
        for label in s.labels:
            confusion.add_column(label)
        for label, row in zip(s.labels, s.confusion, strict=True):
            confusion.add_row(label, *map(str, row))
        console.print(confusion)


def _trained_scores(
    kind: str,
    texts: list[str],
    gold: list[str],
    labels: list[str],
    mapper: Callable[[str], str] = str,
) -> ev.Scores | None:
    from moqi.assist import evaluate as ev
    from moqi.assist.model import trained
    from moqi.settings import get_settings

    model = trained.load(get_settings().models_dir, kind)
    if model is None:
        return None
    return ev.classification_scores(
        gold, [mapper(p) for p in trained.predict(model, texts, labels)], labels
    )


@app.command()
def polarity(data: DataOpt, as_json: JsonOpt = False) -> None:
    """Accuracy and macro-F1 of positive/negative(/neutral) polarity."""
    from moqi.assist import evaluate as ev

    texts, gold = _read(data, polarity=True)
    label_set = set(gold)
    labels: list[str] = [x for x in ("positive", "negative", "neutral") if x in label_set]
    reader = _lexicon_reader(lambda e: ev.polarity_label(e, label_set))
    with _progress(len(texts)) as progress:
        results = {
            "moqi-lexicon": ev.classification_scores(
                gold, ev.predict_all(reader, texts, progress), labels
            )
        }
    extra = _trained_scores("polarity", texts, gold, labels)
    if extra:
        results["trained"] = extra
    _report(f"polarity — {data.name}", results, as_json)


@app.command()
def emotion(data: DataOpt, as_json: JsonOpt = False) -> None:
    """Accuracy and macro-F1 on the six SMP2020-EWECT emotions (mapping in docs/evaluation.md)."""
    from moqi.assist import evaluate as ev

    texts, gold = _read(data, label_key="label")
    unknown = set(gold) - set(ev.EWECT_LABELS)
    if unknown:
        fail(f"{data}: labels {sorted(unknown)} are not EWECT labels {list(ev.EWECT_LABELS)}")
    reader = _lexicon_reader(lambda e: ev.EWECT_OF[e.category])
    with _progress(len(texts)) as progress:
        results = {
            "moqi-lexicon": ev.classification_scores(
                gold, ev.predict_all(reader, texts, progress), ev.EWECT_LABELS
            )
        }
    extra = _trained_scores("emotion", texts, gold, list(ev.EWECT_LABELS))
    if extra:
        results["trained"] = extra
    _report(f"emotion — {data.name}", results, as_json)


@app.command()
def satisfaction(data: DataOpt, as_json: JsonOpt = False) -> None:
    """Spearman correlation of predicted satisfaction (customer turns) with the annotators' S."""
    from moqi.assist import evaluate as ev
    from moqi.assist.engine import default_engine
    from moqi.assist.labelled import LabelledDataError, read_dialogues
    from moqi.assist.model import trained
    from moqi.nlp.normalize import normalize
    from moqi.settings import get_settings

    try:
        dialogues = read_dialogues(data)
    except LabelledDataError as exc:
        fail(str(exc))
    engine = default_engine()
    gold = [s for _, s in dialogues]
    with _progress(len(dialogues)) as progress:
        predicted = []
        for i, (turns, _) in enumerate(dialogues, 1):
            predicted.append(
                ev.dialogue_satisfaction([engine.read_emotion(normalize(t)).valence for t in turns])
            )
            if progress and i % 100 == 0:
                progress(100)
    results = {"moqi-lexicon": ev.spearman(predicted, gold)}
    model = trained.load(get_settings().models_dir, "polarity")
    if model is not None and "positive" in model.classes_:
        trained_pred = [
            ev.dialogue_satisfaction(trained.valence(model, turns) if turns else [])
            for turns, _ in dialogues
        ]
        results["trained"] = ev.spearman(trained_pred, gold)
    if as_json:
        out = {
            "model": "moqi-lexicon",
            "n": len(dialogues),
            "spearman": round(results["moqi-lexicon"], 4),
        }
        if "trained" in results:
            out["trained"] = {"n": len(dialogues), "spearman": round(results["trained"], 4)}
        print(json.dumps(out, ensure_ascii=False))
        return
    table = Table(title=f"satisfaction — {data.name}")
    for col in ("model", "n", "Spearman ρ"):
        table.add_column(col)
    for name, rho in results.items():
        table.add_row(name, str(len(dialogues)), f"{rho:.3f}")
    Console().print(table)


def _need_of(engine, item: NeedItem, with_events: bool) -> tuple[str, list[str]]:
    """The moment and reasons live assist shows after the contact's last utterance."""

    from moqi.assist.profile import CustomerProfile
    from moqi.assist.session import AssistSession

    profile = CustomerProfile.from_dict({"events": list(item.events) if with_events else []})
    session = AssistSession(customer=profile, engine=engine)
    need = session.predicted_need()
    for speaker, text in item.turns:
        need = session.feed(speaker, text).need
    return need["moment"], [r["code"] for r in need["reasons"]]


@app.command()
def need(data: DataOpt, as_json: JsonOpt = False) -> None:
    """Moment and call-reason accuracy (top-1, top-3) on contacts labelled with their reason.

    JSONL {text | turns[{speaker, text}], reason, events?}; with events in the data, the same
    contacts are also read without them, to show what the customer's profile adds.
    """
    from moqi.assist import evaluate as ev
    from moqi.assist.engine import default_engine
    from moqi.assist.labelled import LabelledDataError, read_need

    engine = default_engine()
    moments = {r.code: r.moment for r in engine.need_model.reasons}
    try:
        items = read_need(data, moments)
    except LabelledDataError as exc:
        fail(str(exc))
    gold = [(item.reason, moments[item.reason]) for item in items]
    runs = {"moqi": True}
    if any(item.events for item in items):
        runs["moqi, words only"] = False
    results = {}
    with _progress(len(items) * len(runs)) as progress:
        for name, with_events in runs.items():
            predicted = []
            for item in items:
                predicted.append(_need_of(engine, item, with_events))
                if progress:
                    progress(1)
            results[name] = ev.need_scores(gold, predicted)
    if as_json:
        out = {"model": "moqi", **results["moqi"].as_dict()}
        if "moqi, words only" in results:
            out["words_only"] = results["moqi, words only"].as_dict()
        print(json.dumps(out, ensure_ascii=False))
        return
    console = Console()
    table = Table(
        title=f"need — {data.name} ({sum(1 for i in items if i.events)} of {len(items)} contacts with events)"
    )
    for col in ("system", "n", "moment", "reason top-1", "reason top-3", "macro-F1"):
        table.add_column(col)
    for name, s in results.items():
        table.add_row(
            name,
            str(s.n),
            f"{s.moment_accuracy:.3f}",
            f"{s.top1:.3f}",
            f"{s.top3:.3f}",
            f"{s.macro_f1:.3f}",
        )
    console.print(table)
    mistakes = Table(title="commonest mistakes (moqi)")
    for col in ("filed as", "predicted", "contacts"):
        mistakes.add_column(col)
    for g, p, c in results["moqi"].mistakes:
        mistakes.add_row(g, p or "—", str(c))
    console.print(mistakes)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        fail(f"{path}: file not found")
    except IsADirectoryError:
        fail(f"{path}: is a directory, not a JSONL file")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        fail(f"{path}: cannot be read ({exc.strerror})")


def _add_semantic(index) -> None:
    """The semantic stage, as the product has it (MOQI_SEMANTIC_SEARCH), on the cache in
    MOQI_HOME; without an engine, words alone and a line on stderr saying so."""
    from moqi.knowledge.semantic import MODEL, E5Embedder, EmbeddingCache
    from moqi.settings import get_settings

    settings = get_settings()
    if settings.semantic_search == "off":
        return
    try:
        index.add_semantic(
            E5Embedder(), EmbeddingCache(settings.home / "cache" / "embeddings" / MODEL)
        )
    except Exception as exc:  # words alone, as the product would search
        print(
            f"semantic stage unavailable ({type(exc).__name__}: {exc}); words alone",
            file=sys.stderr,
        )


@app.command()
def search(corpus: CorpusOpt, queries: QueriesOpt, as_json: JsonOpt = False) -> None:
    """Recall@1/5/10 and MRR@10 of knowledge search: the corpus is indexed and searched exactly as the content is."""
    from moqi.knowledge.documents import Doc
    from moqi.knowledge.evaluate import SearchDataError, evaluate, parse_corpus, parse_queries
    from moqi.knowledge.search import KnowledgeIndex

    try:
        items = parse_corpus(_lines(corpus), str(corpus))
        asked = parse_queries(_lines(queries), {item_id for item_id, _ in items}, str(queries))
    except SearchDataError as exc:
        fail(str(exc))
    index = KnowledgeIndex.from_docs(Doc(item_id, "article", "", text) for item_id, text in items)
    _add_semantic(index)
    with _progress(len(asked)) as progress:

        def ranked(query: str) -> list[str]:
            if progress:
                progress(1)
            return [hit.id for hit in index.search(query, k=10)]

        scores = evaluate(ranked, asked)
    if as_json:
        print(json.dumps(scores.as_dict()))
        return
    table = Table(title=f"search — {queries.name} over {len(items):,} items")
    for col in ("system", "n", "Recall@1", "Recall@5", "Recall@10", "MRR@10"):
        table.add_column(col)
    table.add_row(
        "moqi", str(scores.n), *(f"{scores.recall[k]:.3f}" for k in (1, 5, 10)), f"{scores.mrr:.3f}"
    )
    Console().print(table)
