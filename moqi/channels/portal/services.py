"""The portal's logic behind its pages: the home page's categories and hot questions, answers and
search from the knowledge base, the one-click check of a signed-in customer's account, and a
chat with an agent that starts with the check's findings attached."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from sqlalchemy.orm import Session

from moqi import errors
from moqi.channels import services as intake
from moqi.channels.inbound import Inbound
from moqi.channels.portal import checkup
from moqi.channels.portal.content import AreaFault, PortalContent
from moqi.knowledge import services as knowledge
from moqi.nlp.normalize import normalize
from moqi.secret import instance_secret
from moqi.service import services as desk

MAX_QUERY = 50
HOT_PER_CATEGORY = 4
CHAT_CHANNEL = "web"


def home(session: Session, content: PortalContent, *, now: datetime) -> list[dict]:
    """Each category with its hot questions: [{code, name, icon, hot: [{id, title, question}]}]."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "icon": c.icon,
            "hot": knowledge.hot_articles(
                session,
                reasons=c.reasons,
                businesses=c.businesses,
                now=now,
                limit=HOT_PER_CATEGORY,
            ),
        }
        for c in content.categories
    ]


def category(session: Session, content: PortalContent, code: str, *, now: datetime) -> dict:
    """One category with up to 20 of its questions; NotFound for an unknown code."""
    found = content.category(code)
    if found is None:
        raise errors.NotFound(f"no category {code!r}")
    hot = knowledge.hot_articles(
        session, reasons=found.reasons, businesses=found.businesses, now=now, limit=20
    )
    return {"code": found.code, "name": found.name, "icon": found.icon, "hot": hot}


def search(session: Session, raw: str, *, now: datetime) -> tuple[str, list[dict]]:
    """(the query as searched, the articles that answer it); Invalid for an oversized query."""
    if len(raw) > MAX_QUERY:
        raise errors.Invalid(f"请把问题缩短到 {MAX_QUERY} 个字以内")
    query = normalize(raw).strip()
    if not query:
        return "", []
    return query, knowledge.customer_search(session, query, now=now)


def answer(session: Session, article_id: str, *, now: datetime) -> dict:
    """A published article as the customer reads it, the answer split into paragraphs of
    (text, bold) runs (the articles mark key words **so**); its reading counts as a use."""
    article = knowledge.customer_article(session, article_id, now=now)
    paragraphs = []
    for line in article["answer"].splitlines():
        if line.strip():
            runs = line.strip().split("**")
            paragraphs.append([(run, n % 2 == 1) for n, run in enumerate(runs) if run])
    knowledge.record_portal_view(session, article_id, now=now)
    return {**article, "paragraphs": paragraphs}


def facts(
    session: Session, customer_id: str, faults: tuple[AreaFault, ...], *, now: datetime
) -> tuple[dict, checkup.Facts]:
    """(the customer's account as the page greets them, the facts the check reads)."""
    account = desk.customer_account(session, customer_id, now=now)
    tickets = tuple(
        checkup.TicketFact(
            number=t["number"],
            title=t["title"],
            status=t["state"],
            status_label=t["status"],
            next_step=t["next_step"],
            next_due=t["next_due"],
            url=t["url"],
        )
        for t in desk.customer_tickets(session, customer_id, now=now)
    )
    events = tuple(checkup.Event(e["type"], e["days_ago"], e["detail"]) for e in account["events"])
    return account, checkup.Facts(
        now=now,
        region=account["region"],
        city=account["city"],
        events=events,
        tickets=tickets,
        faults=faults,
    )


def run_checkup(
    session: Session,
    customer_id: str,
    content: PortalContent,
    faults: tuple[AreaFault, ...],
    *,
    now: datetime,
) -> tuple[dict, list[checkup.Finding]]:
    """(the customer's account, the findings of the one-click check, most pressing first)."""
    account, known = facts(session, customer_id, faults, now=now)
    return account, checkup.check(known, content)


def chat_visitor(customer_id: str, session_token: str) -> str:
    """The web chat's visitor id of a signed-in customer's session: the chat they open from
    the portal is theirs, linked to them, and another session (or customer) has another."""
    digest = hmac.new(
        instance_secret(),
        f"moqi-portal-chat:{customer_id}:{session_token}".encode(),
        hashlib.sha256,
    ).digest()
    return "p-" + base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def link_chat(session: Session, customer_id: str, visitor: str, *, now: datetime) -> None:
    """Link the session's chat visitor to the customer, so a chat begun on the page without
    the check (the customer just writes) still reaches the agent with their card."""
    intake.link_identity(session, CHAT_CHANNEL, visitor, customer_id, now=now)


def start_chat(
    session: Session,
    customer_id: str,
    visitor: str,
    findings: list[checkup.Finding],
    *,
    now: datetime,
) -> None:
    """Open a web chat for the customer with the check's summary as its first message, so the
    agent who takes it sees the findings (and the customer's card: the visitor is linked)."""
    intake.link_identity(session, CHAT_CHANNEL, visitor, customer_id, now=now)
    if intake.current_conversation(session, CHAT_CHANNEL, visitor) is not None:
        return  # the chat is already open: the summary went with its first message
    text = checkup.summary(findings)
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    stamp = int(now.timestamp())
    intake.receive(
        session,
        Inbound(CHAT_CHANNEL, visitor, f"{visitor}:portal-{stamp}-{key}", "text", text),
        now,
    )
