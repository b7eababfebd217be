"""Training: courses built from the live content (and rebuilt when it changes), quizzes made for
an agent with their weak areas in mind, answered once and scored, and progress by topic for the
agent and for their team lead."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moqi.accounts import services as accounts
from moqi.content.reading import DATA_DIR, read_text, shipped_yaml
from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.insight import services as insight
from moqi.knowledge import services as knowledge
from moqi.nlp.mask import mask_pii
from moqi.service import services as desk
from moqi.training import courseware, quiz, weak
from moqi.training.models import QuizAttempt, TrainingCourse

WEAK_DAYS = 90  # the agent's contacts of this many days show their weak areas
HISTORY = 20


def _prose() -> str:
    return read_text(DATA_DIR / "training" / "peak_end.md")


def close_emotions() -> list[tuple[str, str]]:
    """The emotion pairs a quiz never sets against each other (data/training/quiz.yaml)."""
    rules = shipped_yaml("training/quiz.yaml") or {}
    return [(str(a), str(b)) for a, b in rules.get("close_emotions", [])]


def _revision(session: Session) -> int:
    revision = knowledge.current_revision(session)
    if not revision:
        raise NotFound("还没有载入内容：请先运行 moqi init")
    return revision


def courses(session: Session, *, now: datetime) -> list[courseware.Course]:
    """Every course at the current content revision, built and kept when first asked for."""
    revision = _revision(session)
    stored = {
        row.course_key: row
        for row in session.scalars(
            select(TrainingCourse).where(TrainingCourse.revision == revision)
        )
    }
    if set(courseware.COURSES) - set(stored):
        content = knowledge.load_content(session)
        # Stored lines were masked when stored; masked again so a course never shows a number.
        lines = [mask_pii(line) for line in desk.customer_lines(session)]
        excerpts = courseware.pick_excerpts(content, lines)
        built = courseware.build_courses(
            content, revision=revision, prose=_prose(), excerpts=excerpts
        )
        for course in built:
            if course.key in stored:
                continue
            row = TrainingCourse(
                course_key=course.key,
                revision=revision,
                fingerprint=course.fingerprint,
                title=course.title,
                built_at=now,
                body=course.as_dict(),
            )
            # Another worker may build the same course at the same moment: theirs is as good.
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                continue
            stored[course.key] = row
    order = list(courseware.COURSES)
    rows = sorted(stored.values(), key=lambda r: order.index(r.course_key))
    return [courseware.Course.from_dict(r.body) for r in rows]


def course(
    session: Session, key: str, *, now: datetime, revision: int | None = None
) -> tuple[courseware.Course, datetime]:
    """One course and when it was built: at the current revision, or an older one kept."""
    if key not in courseware.COURSES:
        raise NotFound(f"没有课程 {key!r}")
    if revision is None:
        courses(session, now=now)
        revision = _revision(session)
    row = session.scalar(
        select(TrainingCourse).where(
            TrainingCourse.course_key == key, TrainingCourse.revision == revision
        )
    )
    if row is None:
        raise NotFound(f"课程 {key!r} 没有依据内容修订版 {revision} 生成的版本")
    return courseware.Course.from_dict(row.body), row.built_at


def course_versions(session: Session, key: str) -> list[dict]:
    """The versions of a course kept, newest first: revision, fingerprint, when built."""
    rows = session.scalars(
        select(TrainingCourse)
        .where(TrainingCourse.course_key == key)
        .order_by(TrainingCourse.revision.desc())
    )
    return [
        {"revision": r.revision, "fingerprint": r.fingerprint, "built_at": r.built_at} for r in rows
    ]


# --- weak areas ----------------------------------------------------------------------------


def _figures(outcomes, ratings, agent: str | None) -> dict[str, weak.ReasonFigures]:
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for who, reason, contacts, risky in outcomes:
        if agent is None or who == agent:
            acc[reason][0] += contacts
            acc[reason][1] += risky
    for who, reason, rated, total in ratings:
        if agent is None or who == agent:
            acc[reason][2] += rated
            acc[reason][3] += total
    return {r: weak.ReasonFigures(r, *v) for r, v in acc.items()}


def weak_areas_of(
    session: Session, agents: list[str], *, now: datetime, days: int = WEAK_DAYS
) -> dict[str, list[weak.WeakArea]]:
    """Each agent's weak areas: the call reasons they handle worse than the centre does, from
    their own contacts of the last `days` days (the centre's figures read once for all)."""
    since = now - timedelta(days=days)
    outcomes = desk.reason_outcomes(session, since=since, high_risk=weak.HIGH_RISK)
    ratings = insight.ratings_by_agent_reason(session, since=since)
    labels = {r.code: r.label for r in knowledge.load_content(session).reasons}
    centre = _figures(outcomes, ratings, None)
    return {
        agent: weak.weak_areas(_figures(outcomes, ratings, agent).values(), centre, labels)
        for agent in agents
    }


def weak_areas(
    session: Session, username: str, *, now: datetime, days: int = WEAK_DAYS
) -> list[weak.WeakArea]:
    """The call reasons this agent handles worse than the centre, from their own contacts."""
    return weak_areas_of(session, [username], now=now, days=days)[username]


# --- quizzes -------------------------------------------------------------------------------


def start_quiz(
    session: Session, agent: str, *, now: datetime, count: int = 10, seed: int | None = None
) -> QuizAttempt:
    """A new quiz for `agent`, aimed half at their weak areas when they have any."""
    revision = _revision(session)
    content = knowledge.load_content(session)
    areas = weak_areas(session, agent, now=now)
    seed = secrets.randbelow(2**31) if seed is None else seed
    questions = quiz.generate(
        content,
        seed=seed,
        count=count,
        focus={a.reason: a.weight for a in areas},
        close_emotions=close_emotions(),
    )
    row = QuizAttempt(
        agent=agent,
        created_at=now,
        seed=seed,
        revision=revision,
        questions=[q.as_dict() for q in questions],
        focus=[a.as_dict() for a in areas],
        total=len(questions),
    )
    session.add(row)
    session.flush()
    return row


def _team_of(session: Session, username: str) -> str:
    teams = accounts.user_teams()
    return session.scalar(select(teams.c.team).where(teams.c.username == username)) or ""


def may_view(session: Session, attempt: QuizAttempt, viewer: Any) -> bool:
    """The agent who took it, an admin, or the lead of the agent's team."""
    if viewer.username == attempt.agent or viewer.role == "admin":
        return True
    return (
        viewer.role == "team_lead"
        and bool(viewer.team)
        and (_team_of(session, attempt.agent) == viewer.team)
    )


def get_quiz(session: Session, quiz_id: int, viewer: Any) -> QuizAttempt:
    """A quiz its viewer may see (NotFound for others, so ids tell nobody what exists)."""
    row = session.get(QuizAttempt, quiz_id)
    if row is None or not may_view(session, row, viewer):
        raise NotFound(f"没有测验 {quiz_id}")
    return row


def submit(
    session: Session, quiz_id: int, viewer: Any, answers: object, *, now: datetime
) -> QuizAttempt:
    """Score the agent's answers (one option index, or None for unanswered, per question);
    a quiz is answered once, by the agent it was made for."""
    row = get_quiz(session, quiz_id, viewer)
    if row.agent != viewer.username:
        raise Forbidden("只有参加测验的坐席本人可以作答")
    if row.submitted_at is not None:
        raise Conflict(f"测验 {quiz_id} 已经交卷，不能再次作答")
    questions = [quiz.Question.from_dict(q) for q in row.questions]
    if not isinstance(answers, list) or len(answers) != len(questions):
        raise Invalid(f"answers: 需要 {len(questions)} 个答案（每题一个选项序号，未答为 null）")
    for i, (a, q) in enumerate(zip(answers, questions, strict=True), 1):
        if a is None:
            continue
        if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < len(q.options):
            raise Invalid(f"第 {i} 题的答案须为 0 到 {len(q.options) - 1} 的选项序号，或不答")
    row.answers = list(answers)
    row.score = sum(1 for a, q in zip(answers, questions, strict=True) if a == q.answer)
    row.submitted_at = now
    session.flush()
    return row


# --- progress ------------------------------------------------------------------------------


def mastery(attempts: list[QuizAttempt]) -> dict[str, dict]:
    """Per topic, over submitted attempts: right, asked and the share right."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in attempts:
        if a.answers is None:
            continue
        for q, given in zip(a.questions, a.answers, strict=False):
            acc[q["topic"]][1] += 1
            acc[q["topic"]][0] += int(given == q["answer"])
    return {
        topic: {"right": r, "asked": n, "share": round(r / n, 3) if n else None}
        for topic, (r, n) in sorted(acc.items())
    }


def attempts_of(session: Session, agent: str, limit: int = HISTORY) -> list[QuizAttempt]:
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.agent == agent)
            .order_by(QuizAttempt.created_at.desc(), QuizAttempt.id.desc())
            .limit(limit)
        )
    )


def progress(session: Session, agent: str) -> dict:
    """An agent's quizzes taken, mean score and mastery by topic (all their submitted quizzes)."""
    done = list(
        session.scalars(
            select(QuizAttempt).where(
                QuizAttempt.agent == agent, QuizAttempt.submitted_at.is_not(None)
            )
        )
    )
    right = sum(a.score or 0 for a in done)
    asked = sum(a.total for a in done)
    return {
        "agent": agent,
        "quizzes": len(done),
        "right": right,
        "asked": asked,
        "share": round(right / asked, 3) if asked else None,
        "topics": mastery(done),
    }


def team_progress(session: Session, viewer: Any, *, now: datetime) -> list[dict]:
    """Each active agent's progress and weak areas: the lead's own team, or every agent for
    an admin."""
    if viewer.role != "admin" and not viewer.team:
        return []
    agents = [
        u
        for u in accounts.list_users(session)
        if u.role == "agent" and u.active and (viewer.role == "admin" or u.team == viewer.team)
    ]
    weakness = weak_areas_of(session, [u.username for u in agents], now=now)
    return [
        {
            **progress(session, u.username),
            "team": u.team,
            "name": u.display_name or u.username,
            "weak_areas": [w.as_dict() for w in weakness[u.username]],
            "recent": [
                {"id": a.id, "score": a.score, "total": a.total}
                for a in attempts_of(session, u.username, limit=5)
            ],
        }
        for u in agents
    ]
