"""API shapes of training: starting a quiz and answering it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from moqi.training.quiz import MAX_QUESTIONS


class QuizIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: StrictInt = Field(default=10, ge=1, le=MAX_QUESTIONS, description="how many questions")


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[StrictInt | None] = Field(
        max_length=MAX_QUESTIONS,
        description="one option index per question (0-based), null for unanswered",
    )


def quiz_json(row, *, reveal: bool) -> dict:
    """A quiz as the API shows it: the right answers and explanations only once submitted."""
    submitted = row.submitted_at is not None
    questions = []
    for i, q in enumerate(row.questions):
        item = {
            "topic": q["topic"],
            "kind": q["kind"],
            "prompt": q["prompt"],
            "options": q["options"],
            "focus": q.get("focus", ""),
        }
        if submitted or reveal:
            item |= {"answer": q["answer"], "explanation": q["explanation"], "source": q["source"]}
        if submitted:
            item["given"] = row.answers[i]
        questions.append(item)
    return {
        "id": row.id,
        "agent": row.agent,
        "created_at": row.created_at.isoformat(),
        "revision": row.revision,
        "submitted_at": row.submitted_at.isoformat() if submitted else None,
        "score": row.score,
        "total": row.total,
        "focus": row.focus,
        "questions": questions,
    }
