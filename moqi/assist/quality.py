"""The team lead's quality review of the agents' own words: every stored agent utterance of a
period checked again against the phrases a quality inspector marks down, counted per agent.

The rules are the engine's (scripts/agent_phrases.yaml as the content stands now), so a rule
added today also counts what was said last week. Stored text is already normalised and masked.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moqi.accounts.services import list_users
from moqi.assist.agent_words import check_agent_line
from moqi.assist.engine import AssistEngine
from moqi.errors import Invalid
from moqi.service import services as desk

MAX_DAYS = 92  # a quarter: longer periods are an export, not a page
EXAMPLES = 5  # latest hits shown per agent


def agent_phrase_review(
    session: Session,
    engine: AssistEngine,
    *,
    team: str | None,
    since: datetime,
    until: datetime,
) -> dict:
    """Per agent of `team` (every team when None): utterances checked, hits, hits per rule and
    the latest examples, for the contacts begun in [since, until); agents with the most hits
    first. Invalid for an empty period or one longer than MAX_DAYS."""
    if since >= until:
        raise Invalid("the period must end after it starts (since < until)")
    if until - since > timedelta(days=MAX_DAYS):
        raise Invalid(f"the period may be at most {MAX_DAYS} days")
    teams = {u.username: u.team for u in list_users(session)}
    agents = None if team is None else [name for name, t in teams.items() if t == team]
    rows = desk.agent_utterances(session, since=since, until=until, agents=agents)
    rules = engine.agent_rules
    labels = {r.code: r.label for r in rules}

    checked: Counter[str] = Counter()
    per_rule: dict[str, Counter[str]] = {}
    examples: dict[str, list[dict]] = {}
    for contact_id, agent, turn, text in reversed(rows):  # newest first, for the examples
        checked[agent] += 1
        counts = per_rule.setdefault(agent, Counter())
        found = examples.setdefault(agent, [])
        for hit in check_agent_line(rules, text):
            counts[hit.code] += 1
            if len(found) < EXAMPLES:
                found.append(
                    {
                        "contact_id": contact_id,
                        "turn": turn,
                        "code": hit.code,
                        "label": hit.label,
                        "said": hit.said,
                        "text": text,
                        "instead": hit.instead,
                    }
                )

    review: list[dict] = [
        {
            "agent": agent,
            "team": teams.get(agent),
            "utterances": checked[agent],
            "hits": sum(per_rule[agent].values()),
            "by_rule": [
                {"code": code, "label": labels[code], "hits": n}
                for code, n in sorted(per_rule[agent].items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "examples": examples[agent],
        }
        for agent in checked
    ]
    review.sort(key=lambda a: (-a["hits"], a["agent"]))
    return {
        "team": team,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "rules": [{"code": r.code, "label": r.label, "instead": r.instead} for r in rules],
        "agents": review,
    }
