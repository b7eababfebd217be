"""Every API route, for every role: generated from the OpenAPI document, so a route added without
a rule here fails, and a route that lets the wrong role in (or keeps the right one out) fails.

The rule of each route is who may call it at all; what a role may see of one record (an agent
only their own contacts, a lead their team's) is checked where the records are made
(tests/web/test_live_api.py, test_durability.py, tests/service/test_tickets.py)."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi.testclient import TestClient

from moqi.accounts import ROLES
from moqi.app import create_app
from tests.conftest import PASSWORD, add_users

EVERYONE = frozenset(ROLES)
LIVE = frozenset({"agent", "team_lead", "admin"})
LEADS = frozenset({"team_lead", "admin"})
EDITORS = frozenset({"knowledge_editor", "admin"})
ADMIN = frozenset({"admin"})
DESK = frozenset({"agent", "team_lead", "expert", "admin"})
EXPERT = frozenset({"expert"})
PUBLIC = None  # no login needed

RULES: dict[str, frozenset[str] | None] = {
    "GET /api/health": PUBLIC,
    "GET /api/me": EVERYONE,
    # Administration.
    "GET /api/admin/users": ADMIN,
    "POST /api/admin/users": ADMIN,
    "GET /api/admin/users/{username}": ADMIN,
    "PATCH /api/admin/users/{username}": ADMIN,
    "POST /api/admin/users/{username}/deactivate": ADMIN,
    "POST /api/admin/users/{username}/activate": ADMIN,
    "POST /api/admin/users/{username}/unlock": ADMIN,
    "POST /api/admin/users/{username}/password": ADMIN,
    "GET /api/admin/audit": ADMIN,
    "GET /api/admin/dead-letters": ADMIN,
    # Live assist.
    "POST /api/assist/analyze": LIVE,
    "GET /api/assist/contacts/{contact_id}/events": LIVE,
    "GET /api/assist/businesses/{code}": LIVE,
    "GET /api/contacts": LIVE,
    "POST /api/contacts": LIVE,
    "GET /api/contacts/{contact_id}": LIVE,
    "POST /api/contacts/{contact_id}/utterances": LIVE,
    "POST /api/contacts/{contact_id}/confirmation": LIVE,
    "POST /api/contacts/{contact_id}/wrapup": LIVE,
    "POST /api/contacts/{contact_id}/whisper": LEADS,
    "GET /api/wall": LEADS,
    "GET /api/quality/agent-phrases": LEADS,
    # Channel intake (the WeChat endpoint itself is public and outside the API schema).
    "GET /api/channels/inbox": LIVE,
    "POST /api/channels/inbox/{sender}/take": LIVE,
    "POST /api/channels/conversations/{conversation_id}/take": LIVE,
    "GET /api/channels/presence": LIVE,
    "PUT /api/channels/presence": LIVE,
    "GET /api/channels/agents": LEADS,
    "PUT /api/channels/agents/{username}": LEADS,
    "GET /api/channels/queues": LEADS,
    "GET /api/channels/routing": LIVE,
    "PUT /api/channels/routing": LEADS,
    "POST /api/channels/contacts/{contact_id}/reply": LIVE,
    "GET /api/channels/contacts/{contact_id}": LIVE,
    "POST /api/channels/contacts/{contact_id}/customer": LIVE,
    "GET /api/channels/selfservice/paths": LIVE,
    "POST /api/channels/selfservice/offers": LIVE,
    "GET /api/channels/selfservice/report": LEADS,
    # Social posts: leads, admins and the social team's agents (MOQI_SOCIAL_TEAM; the matrix's
    # agent is in no such team, tests/channels/test_social_routes.py lets one in).
    "GET /api/channels/social": LEADS,
    "GET /api/channels/social/{post_id}": LEADS,
    "POST /api/channels/social/{post_id}/action": LEADS,
    "POST /api/channels/social/import": LEADS,
    # Knowledge: everyone reads and proposes; editors publish.
    # Script A/B experiments: knowledge editors and admins.
    "GET /api/knowledge/experiments": EDITORS,
    "POST /api/knowledge/experiments": EDITORS,
    "GET /api/knowledge/experiments/{experiment_id}": EDITORS,
    "POST /api/knowledge/experiments/{experiment_id}/start": EDITORS,
    "POST /api/knowledge/experiments/{experiment_id}/stop": EDITORS,
    "POST /api/knowledge/experiments/{experiment_id}/propose": EDITORS,
    "GET /api/knowledge/search": EVERYONE,
    "GET /api/knowledge/items/{kind}": EVERYONE,
    "GET /api/knowledge/items/{kind}/{key}": EVERYONE,
    "GET /api/knowledge/items/{kind}/{key}/diff": EVERYONE,
    "POST /api/knowledge/items/{kind}/{key}/rollback": EDITORS,
    "POST /api/knowledge/proposals": EVERYONE,
    "GET /api/knowledge/proposals": EVERYONE,
    "GET /api/knowledge/proposals/{proposal_id}": EVERYONE,
    "POST /api/knowledge/proposals/{proposal_id}/comments": EVERYONE,
    "PUT /api/knowledge/proposals/{proposal_id}/body": EDITORS,
    "POST /api/knowledge/proposals/{proposal_id}/approve": EDITORS,
    "POST /api/knowledge/proposals/{proposal_id}/reject": EDITORS,
    "POST /api/knowledge/proposals/{proposal_id}/withdraw": EVERYONE,
    "POST /api/knowledge/searches/{search_id}/click": EVERYONE,
    "POST /api/knowledge/uses": EVERYONE,
    "GET /api/knowledge/hot": EVERYONE,
    "GET /api/knowledge/stories": EVERYONE,
    "POST /api/knowledge/stories": EVERYONE,
    "POST /api/knowledge/stories/{story_id}/ratings": EVERYONE,
    "POST /api/knowledge/stories/{story_id}/promote": EDITORS,
    "GET /api/knowledge/export/{kind}": EDITORS,
    "POST /api/knowledge/import/{kind}": EDITORS,
    # Service desk.
    "GET /api/tickets": DESK,
    "POST /api/tickets": DESK,
    "GET /api/tickets/codes": DESK,
    "GET /api/tickets/alerts": DESK,
    "GET /api/tickets/{ticket_id}": DESK,
    "PATCH /api/tickets/{ticket_id}": DESK,
    "POST /api/tickets/{ticket_id}/notes": DESK,
    "POST /api/tickets/{ticket_id}/replies": DESK,
    "POST /api/tickets/{ticket_id}/transfer": DESK,
    "POST /api/tickets/{ticket_id}/reassign": DESK,  # the service refuses non-leads (403)
    "POST /api/tickets/{ticket_id}/wait": DESK,
    "POST /api/tickets/{ticket_id}/resume": DESK,
    "POST /api/tickets/{ticket_id}/resolve": DESK,
    "POST /api/tickets/{ticket_id}/commitments": DESK,
    "POST /api/commitments/{commitment_id}/kept": DESK,
    "GET /api/callbacks": DESK,
    "POST /api/callbacks/{callback_id}/done": DESK,
    "GET /api/service/calendars": DESK,
    "POST /api/service/calendars": ADMIN,
    "GET /api/service/policies": DESK,
    "GET /api/outbox": LEADS,
    "GET /api/outbox/{message_id}": LEADS,
    "POST /api/outbox/payment-reminders": LIVE,
    # The virtual expert centre.
    "POST /api/consultations": LIVE,
    "GET /api/consultations": DESK,
    "GET /api/consultations/{consultation_id}": DESK,
    "POST /api/consultations/{consultation_id}/messages": DESK,
    "POST /api/consultations/{consultation_id}/take": EXPERT,
    "POST /api/consultations/{consultation_id}/close": DESK,
    "POST /api/consultations/{consultation_id}/propose": DESK,
    "GET /api/experts/departments": DESK,
    "GET /api/experts/me/duty": EXPERT,
    "POST /api/experts/me/duty": EXPERT,
    "PUT /api/experts/{username}": ADMIN,
    # Workforce planning.
    "GET /api/workforce/queues": LEADS,
    "POST /api/workforce/queues/{queue}/imports": LEADS,
    "GET /api/workforce/queues/{queue}/kpis": LEADS,
    "GET /api/workforce/queues/{queue}/plan": LEADS,
    "POST /api/workforce/erlang": LEADS,
    "GET /api/workforce/documents/{name}": LEADS,
    "PUT /api/workforce/documents/{name}": LEADS,
    "GET /api/insight/satisfaction": LEADS,
    "POST /api/insight/ratings/import": LEADS,
    "POST /api/insight/index": LEADS,
    "GET /api/insight/kpis": LEADS,
    # Role-play training: agents practise (only in their own sessions, checked by the service);
    # leads also read their team's and build scenarios from transcripts.
    "GET /api/training/roleplay/scenarios": LIVE,
    "POST /api/training/roleplay/scenarios/build": LEADS,
    "POST /api/training/roleplay/sessions": LIVE,
    "GET /api/training/roleplay/sessions": LIVE,
    "GET /api/training/roleplay/sessions/{session_id}": LIVE,
    "POST /api/training/roleplay/sessions/{session_id}/messages": LIVE,
    "POST /api/training/roleplay/sessions/{session_id}/end": LIVE,
    # Training: whoever takes calls or leads them learns; leads see their team's progress.
    "GET /api/training/courses": LIVE,
    "GET /api/training/courses/{key}": LIVE,
    "POST /api/training/quizzes": LIVE,
    "GET /api/training/quizzes/{quiz_id}": LIVE,
    "POST /api/training/quizzes/{quiz_id}/answers": LIVE,
    "GET /api/training/me": LIVE,
    "GET /api/training/team": LEADS,
    # The fixed customer panel: leads run it; service managers (agents) answer their call-backs.
    "GET /api/insight/panels": LEADS,
    "POST /api/insight/panels": LEADS,
    "GET /api/insight/panels/{panel_id}": LEADS,
    "POST /api/insight/panels/{panel_id}/waves": LEADS,
    "POST /api/insight/panel-waves/{wave_id}/start": LEADS,
    "POST /api/insight/panel-waves/{wave_id}/answers": LEADS,
    "GET /api/insight/panel-tasks": LIVE,
    "POST /api/insight/panel-tasks/{task_id}": LIVE,
    # Journey research.
    "GET /api/insight/journey/needs": LEADS,
    "POST /api/insight/journey/needs": LEADS,
    "PATCH /api/insight/journey/needs/{code}": LEADS,
    "GET /api/insight/journey/surveys": LEADS,
    "POST /api/insight/journey/surveys": LEADS,
    "GET /api/insight/journey/surveys/{survey_id}/analysis": LEADS,
}


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory):
    """One app on a SQLite file with the shipped content and a user of every role (the rules
    do not depend on the database: the storage tests run both)."""
    import os

    from moqi.cli.common import setup_database
    from moqi.secret import create_secret
    from moqi.settings import get_settings

    home = tmp_path_factory.mktemp("matrix-home")
    old = os.environ.get("MOQI_HOME")
    os.environ["MOQI_HOME"] = str(home)
    get_settings.cache_clear()
    create_secret()
    factory, _ = setup_database(demo=False)
    add_users(factory, **{f"as_{role}": role for role in ROLES})
    app = create_app()
    with TestClient(app):
        yield app
    if old is None:
        os.environ.pop("MOQI_HOME", None)
    else:
        os.environ["MOQI_HOME"] = old
    get_settings.cache_clear()


def _operations(app) -> list[str]:
    return [
        f"{method.upper()} {path}" for path, ops in app.openapi()["paths"].items() for method in ops
    ]


def test_every_route_has_a_rule_and_every_rule_a_route(matrix_app):
    routes = set(_operations(matrix_app))
    assert len(routes) >= 50
    assert sorted(routes - RULES.keys()) == [], "a route without a rule in RULES"
    assert sorted(RULES.keys() - routes) == [], "a rule for a route that is gone"


def _call(app, operation: str, role: str | None):
    method, path = operation.split(" ", 1)
    url = re.sub(r"\{[a-z_]+\}", lambda m: "1" if m.group(0).endswith("_id}") else "x", path)
    headers = {}
    if role:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"as_{role}:{PASSWORD}".encode()).decode()
        )
    # A well-formed JSON body: the rule is checked before the body's fields are.
    return TestClient(app).request(
        method, url, headers=headers, json={} if method in ("POST", "PUT", "PATCH") else None
    )


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_each_role_gets_in_where_the_rule_says_and_nowhere_else(matrix_app, role):
    wrong = []
    for operation, allowed in RULES.items():
        status = _call(matrix_app, operation, role).status_code
        if allowed is PUBLIC:
            expected_ok = True
        elif role is None:
            expected_ok = False
            if status != 401:
                wrong.append(f"{operation}: anonymous got {status}, not 401")
            continue
        else:
            expected_ok = role in allowed
        if status >= 500:
            wrong.append(f"{operation}: {role} got {status}")
        elif expected_ok and status in (401, 403):
            wrong.append(f"{operation}: {role} is kept out ({status}) but the rule lets them in")
        elif not expected_ok and status != 403:
            wrong.append(f"{operation}: {role} got {status}, not 403")
    assert wrong == []


# The customer portal's pages are outside the API schema (like /t/<token> and the web chat):
# they are the signed-in *customer's* (an SMS code, moqi/channels/portal), never staff's. Each
# one is named here, so a portal route added without a rule fails; the customer's own ones
# send everyone without a customer session to sign in, whatever staff role they hold.
PORTAL_PUBLIC = {
    "GET /portal",
    "GET /portal/c/{code}",
    "GET /portal/search",
    "GET /portal/a/{article_id}",
    "GET /portal/login",
    "POST /portal/login/code",
    "POST /portal/login",
    "POST /portal/logout",
}
PORTAL_CUSTOMER = {"GET /portal/checkup", "POST /portal/chat", "GET /portal/chat"}


def test_every_portal_route_has_a_rule(matrix_app):
    from moqi.channels.portal.pages import router

    routes = {f"{m} {route.path}" for route in router.routes for m in route.methods if m != "HEAD"}
    assert routes == PORTAL_PUBLIC | PORTAL_CUSTOMER
    assert TestClient(matrix_app).get("/portal").status_code == 200  # and the app serves them


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_the_customers_portal_pages_let_no_staff_role_in(matrix_app, role):
    client = TestClient(matrix_app)
    if role:
        r = client.post("/login", data={"username": f"as_{role}", "password": PASSWORD})
        assert "moqi_session" in client.cookies
    for operation in sorted(PORTAL_CUSTOMER):
        method, path = operation.split(" ", 1)
        r = client.request(method, path, follow_redirects=False)
        assert r.status_code == 303, operation
        assert r.headers["location"].startswith("/portal/login"), operation
