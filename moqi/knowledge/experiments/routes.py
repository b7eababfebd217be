"""Script A/B experiments under /api/knowledge/experiments: knowledge editors and admins design,
start, stop and read them, and propose the winner for review."""

from __future__ import annotations

from fastapi import APIRouter

from moqi.knowledge.experiments import services
from moqi.knowledge.experiments.schemas import ExperimentIn
from moqi.web.auth import EditorUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter(prefix="/api/knowledge/experiments", tags=["knowledge"])


@router.get("", summary="Every script experiment, newest first")
def list_experiments(session: SessionDep, user: EditorUser) -> list[dict]:
    return [services.experiment_json(e) for e in services.listing(session)]


@router.post("", status_code=201, summary="Design an experiment (a draft)")
def create_experiment(body: ExperimentIn, session: SessionDep, user: EditorUser) -> dict:
    row = services.create(session, **body.model_dump(), user=user.username, now=now())
    session.commit()
    return services.experiment_json(row)


@router.get("/{experiment_id}", summary="An experiment and its report")
def get_experiment(experiment_id: Id, session: SessionDep, user: EditorUser) -> dict:
    return services.report(session, experiment_id)


@router.post("/{experiment_id}/start", summary="Start splitting contacts")
def start_experiment(experiment_id: Id, session: SessionDep, user: EditorUser) -> dict:
    row = services.start(session, experiment_id, now=now())
    session.commit()
    return services.experiment_json(row)


@router.post("/{experiment_id}/stop", summary="Finish: no more contacts are split or counted")
def stop_experiment(experiment_id: Id, session: SessionDep, user: EditorUser) -> dict:
    row = services.stop(session, experiment_id, now=now())
    session.commit()
    return services.experiment_json(row)


@router.post(
    "/{experiment_id}/propose",
    status_code=201,
    summary="Propose the winning variant as the line's new text (reviewed before publishing)",
)
def propose_winner(experiment_id: Id, session: SessionDep, user: EditorUser) -> dict:
    proposal = services.propose_winner(session, experiment_id, user=user.username, now=now())
    session.commit()
    return {"proposal_id": proposal.id, "status": proposal.status}
