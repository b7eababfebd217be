"""The improvement loop: agents propose, knowledge editors comment, edit, approve or reject.

Approval publishes in the same transaction, so the live engine sees the change on its next
utterance (it follows the content revision) and nothing is half-published. A second editor
approves: the proposer may not, unless MOQI_ALLOW_SELF_APPROVAL is set (one-person teams).

Proposals are written from calls, so summaries, bodies, comments and notes are stored with
personal data masked; numbers the published knowledge already holds (a hotline in a script)
are content and are kept.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.errors import Forbidden
from moqi.knowledge import items, versions
from moqi.knowledge.models import ContentRevisionRow, ProposalCommentRow, ProposalRow
from moqi.knowledge.versions import Conflict, NotFound
from moqi.nlp.mask import find_pii, mask_pii
from moqi.settings import get_settings

ACTIONS = ("create", "update", "delete")
SOURCES = ("workbench", "case", "expert", "story", "editor", "mining")
STATUSES = ("open", "approved", "rejected", "withdrawn")
STATUS_LABELS = {
    "open": "待审核",
    "approved": "已发布",
    "rejected": "已驳回",
    "withdrawn": "已撤回",
}


def _masked(session: Session, value: Any) -> Any:
    """`value` with personal data masked in every string inside it; what the published
    knowledge already holds (a hotline in a script) is content and is kept."""
    if not any(find_pii(text) for text in _strings(value)):
        return value  # the common case: nothing to mask, no need to read the published numbers
    return _mask_all(value, published_numbers(session))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _mask_all(value: Any, keep: Collection[str]) -> Any:
    if isinstance(value, str):
        return mask_pii(value, keep)
    if isinstance(value, dict):
        return {k: _mask_all(v, keep) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_all(v, keep) for v in value]
    return value


# The published numbers of the newest content revision, per database: read again only after
# something is published.
_published: dict[tuple[str, int], frozenset[str]] = {}


def published_numbers(session: Session) -> frozenset[str]:
    """What the published knowledge holds that looks like personal data (hotlines, service
    addresses): it is content, so proposals that quote it keep it unmasked."""
    key = (
        str(session.get_bind().engine.url),
        session.scalar(select(func.max(ContentRevisionRow.id))) or 0,
    )
    found = _published.get(key)
    if found is None:
        # Plain rows rather than ORM objects, and one search over all the text (joined by
        # NUL, which no pattern reads across).
        texts: list[str] = []
        for table, _ in versions.LIVE.values():
            for row in session.execute(select(*table.__table__.columns)):
                for value in row:
                    if isinstance(value, str):
                        texts.append(value)
                    elif isinstance(value, list):
                        texts.extend(v for v in value if isinstance(v, str))
        found = frozenset(find_pii("\x00".join(texts)))
        _published.clear()
        _published[key] = found
    return found


def may_approve(proposal: ProposalRow, reviewer: str) -> bool:
    """Whether `reviewer` may approve `proposal`: anyone but its proposer (a second pair of
    eyes), unless the install allows self-approval."""
    return proposal.proposer != reviewer or get_settings().allow_self_approval


def propose(
    session: Session,
    *,
    kind: str,
    key: str,
    action: str,
    body: dict | None,
    summary: str,
    proposer: str,
    source: str = "workbench",
    source_ref: str = "",
) -> ProposalRow:
    """Record a proposal; the body is checked now so reviewers only see valid items."""
    if action not in ACTIONS:
        raise items.ItemError(f"action must be one of {', '.join(ACTIONS)}")
    if source not in SOURCES:
        raise items.ItemError(f"source must be one of {', '.join(SOURCES)}")
    if not summary.strip():
        raise items.ItemError("say in a line why the change is needed (summary)")
    live = versions.live_body(session, kind, key)
    if action == "create" and live is not None:
        raise Conflict(
            f"{items.KIND_LABELS[kind]} {key!r} already exists; propose an update instead"
        )
    if action != "create" and live is None:
        raise NotFound(f"{items.KIND_LABELS[kind]} {key!r} does not exist")
    summary = _masked(session, summary)
    checked = (
        None
        if action == "delete"
        else versions.check(session, kind, key, _masked(session, body or {}))
    )
    if action == "update" and checked == live:
        raise Conflict("the proposed item is the same as the published one")
    proposal = ProposalRow(
        kind=kind,
        key=key,
        action=action,
        base_version=versions.current_version(session, kind, key) if action != "create" else None,
        body=checked,
        summary=summary.strip(),
        source=source,
        source_ref=source_ref,
        proposer=proposer,
    )
    session.add(proposal)
    session.flush()
    return proposal


def get(session: Session, proposal_id: int) -> ProposalRow:
    """One proposal; NotFound otherwise."""
    proposal = session.get(ProposalRow, proposal_id)
    if proposal is None:
        raise NotFound(f"proposal {proposal_id} does not exist")
    return proposal


def _open(session: Session, proposal_id: int) -> ProposalRow:
    proposal = get(session, proposal_id)
    if proposal.status != "open":
        raise Conflict(f"proposal {proposal_id} is {proposal.status}, not open")
    return proposal


def listing(
    session: Session, *, status: str | None = "open", proposer: str | None = None, limit: int = 200
) -> list[ProposalRow]:
    """Proposals, newest first, optionally of one status and one proposer."""
    query = select(ProposalRow).order_by(ProposalRow.id.desc()).limit(limit)
    if status:
        query = query.where(ProposalRow.status == status)
    if proposer:
        query = query.where(ProposalRow.proposer == proposer)
    return list(session.scalars(query))


def comments(session: Session, proposal_id: int) -> list[ProposalCommentRow]:
    """The discussion of a proposal, oldest first."""
    get(session, proposal_id)
    return list(
        session.scalars(
            select(ProposalCommentRow)
            .where(ProposalCommentRow.proposal_id == proposal_id)
            .order_by(ProposalCommentRow.id)
        )
    )


def comment(
    session: Session, proposal_id: int, *, author: str, text: str, now: datetime
) -> ProposalCommentRow:
    """Add a comment to a proposal (any state: the discussion can go on after a decision)."""
    get(session, proposal_id)
    if not text.strip():
        raise items.ItemError("a comment needs text")
    row = ProposalCommentRow(
        proposal_id=proposal_id, author=author, body=_masked(session, text.strip()), created_at=now
    )
    session.add(row)
    session.flush()
    return row


def edit(
    session: Session, proposal_id: int, *, editor: str, body: dict, now: datetime
) -> ProposalRow:
    """An editor rewrites an open proposal's item; it is rebased on the current version."""
    proposal = _open(session, proposal_id)
    if proposal.action == "delete":
        raise Conflict("a deletion has no body to edit")
    proposal.body = versions.check(session, proposal.kind, proposal.key, _masked(session, body))
    if proposal.action == "update":
        proposal.base_version = versions.current_version(session, proposal.kind, proposal.key)
    session.add(
        ProposalCommentRow(
            proposal_id=proposal.id, author=editor, body="修改了提议内容", created_at=now
        )
    )
    session.flush()
    return proposal


def preview(session: Session, proposal: ProposalRow) -> list[str]:
    """What approving would change: a diff from the published item to the proposed one."""
    live = versions.live_body(session, proposal.kind, proposal.key)
    new = None if proposal.action == "delete" else proposal.body
    return items.diff(proposal.kind, proposal.key, live, new, "当前发布版", f"提议 #{proposal.id}")


def approve(session: Session, proposal_id: int, *, reviewer: str, note: str, now: datetime):
    """Publish the proposal (a new version of the item); Conflict if the item moved meanwhile,
    Forbidden if the reviewer proposed it (a second editor must approve)."""
    proposal = _open(session, proposal_id)
    if not may_approve(proposal, reviewer):
        raise Forbidden(
            f"proposal {proposal_id} is your own: another knowledge editor must approve it"
        )
    note = _masked(session, note) if note else note
    current = versions.current_version(session, proposal.kind, proposal.key)
    live = versions.live_body(session, proposal.kind, proposal.key)
    if proposal.action == "create" and live is not None:
        raise Conflict(
            f"{proposal.kind} {proposal.key!r} was created meanwhile; edit the proposal into an update"
        )
    if proposal.action != "create" and proposal.base_version != current:
        raise Conflict(
            f"{proposal.kind} {proposal.key!r} changed since it was proposed (v{proposal.base_version} → v{current}); edit the proposal to rebase it"
        )
    body = (
        None
        if proposal.action == "delete"
        else versions.check(session, proposal.kind, proposal.key, proposal.body or {})
    )
    version = versions.publish(
        session,
        proposal.kind,
        proposal.key,
        body,
        author=reviewer,
        note=note or proposal.summary,
        proposal_id=proposal.id,
    )
    proposal.status, proposal.reviewer, proposal.decision_note, proposal.decided_at = (
        "approved",
        reviewer,
        note,
        now,
    )
    session.flush()
    return version


def reject(
    session: Session, proposal_id: int, *, reviewer: str, note: str, now: datetime
) -> ProposalRow:
    """Turn a proposal down; the proposer is told why."""
    if not note.strip():
        raise items.ItemError("say why the proposal is rejected")
    proposal = _open(session, proposal_id)
    note = _masked(session, note.strip())
    proposal.status, proposal.reviewer, proposal.decision_note, proposal.decided_at = (
        "rejected",
        reviewer,
        note,
        now,
    )
    session.flush()
    return proposal


def withdraw(session: Session, proposal_id: int, *, user: str, now: datetime) -> ProposalRow:
    """The proposer takes an open proposal back."""
    proposal = _open(session, proposal_id)
    if proposal.proposer != user:
        raise Forbidden("only the proposer can withdraw a proposal")
    proposal.status, proposal.decided_at = "withdrawn", now
    session.flush()
    return proposal
