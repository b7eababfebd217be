"""One error vocabulary (moqi.errors): services raise NotFound, Conflict, Forbidden or Invalid,
and the one handler in moqi.web.errors answers each as problem+json with 404, 409, 403 or 422 —
through real routes and services, with no route translating errors itself."""

import ast
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moqi import errors
from moqi.accounts import services as accounts
from moqi.app import create_app
from moqi.knowledge import items, versions
from moqi.web.errors import domain_problem, status_of
from tests.conftest import PASSWORD, add_users

AGENT, OTHER, EDITOR, ADMIN = (
    ("agent", PASSWORD),
    ("agent2", PASSWORD),
    ("editor", PASSWORD),
    ("admin", PASSWORD),
)
MOQI = Path(__file__).resolve().parents[2] / "moqi"


@pytest.fixture
def client(loaded_db, db_url):
    add_users(loaded_db, agent="agent", agent2="agent", editor="knowledge_editor", admin="admin")
    with TestClient(create_app(db_url)) as c:
        yield c


def problem(r, status: int, detail: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "about:blank",
        "title": {
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
            422: "Unprocessable Content",
        }[status],
        "status": status,
        "detail": detail,
    }


def propose(client) -> int:
    r = client.post(
        "/api/knowledge/proposals",
        json={
            "kind": "lexicon",
            "key": "气得肝疼",
            "action": "create",
            "body": {"category": "anger", "intensity": 4, "escalation": True},
            "summary": "新说法",
        },
        auth=AGENT,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_each_kind_answers_its_status_through_the_knowledge_review(client):
    pid = propose(client)
    problem(
        client.get("/api/knowledge/proposals/999999", auth=AGENT),
        404,
        "proposal 999999 does not exist",
    )
    problem(
        client.post(f"/api/knowledge/proposals/{pid}/withdraw", auth=OTHER),
        403,
        "only the proposer can withdraw a proposal",
    )
    problem(
        client.post(f"/api/knowledge/proposals/{pid}/reject", json={"note": ""}, auth=EDITOR),
        422,
        "say why the proposal is rejected",
    )
    assert client.post(f"/api/knowledge/proposals/{pid}/withdraw", auth=AGENT).status_code == 200
    problem(
        client.post(f"/api/knowledge/proposals/{pid}/approve", json={}, auth=EDITOR),
        409,
        f"proposal {pid} is withdrawn, not open",
    )


def test_an_error_of_two_kinds_answers_as_the_first(client):
    # UnknownUser and UserConflict are AccountErrors (Invalid, for the pages and the CLI) too.
    problem(client.get("/api/admin/users/nobody", auth=ADMIN), 404, "no user 'nobody'")
    r = client.post(
        "/api/admin/users",
        json={"username": "agent", "role": "agent", "password": "another-horse-2"},
        auth=ADMIN,
    )
    problem(r, 409, "user 'agent' already exists")
    assert status_of(accounts.AccountError("bad")) == 422


def test_the_vocabulary_keeps_the_builtins_older_code_catches():
    assert isinstance(versions.NotFound("x"), LookupError)
    assert isinstance(versions.Conflict("x"), ValueError)
    assert isinstance(errors.Forbidden("x"), PermissionError)
    assert isinstance(errors.Invalid("x"), ValueError)
    assert str(errors.Forbidden("not yours")) == "not yours"
    assert issubclass(items.ItemError, errors.Invalid)


def test_code_and_extra_members_go_into_the_problem():
    body = json.loads(
        domain_problem(errors.Invalid("two rows", code="bad_rows", errors=[{"row": 2}])).body
    )
    assert body == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "two rows",
        "errors": [{"row": 2}],
        "code": "bad_rows",
    }


def _web_layer(path: Path) -> bool:
    rel = path.relative_to(MOQI).as_posix()
    return rel.startswith(("web/", "cli/")) or rel == "app.py" or path.stem in ("routes", "pages")


def test_domain_code_never_imports_the_web_layer():
    wrong = []
    for path in sorted(MOQI.rglob("*.py")):
        if _web_layer(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                if name.split(".")[0] in ("fastapi", "starlette") or name.startswith("moqi.web"):
                    wrong.append(f"{path.relative_to(MOQI)}: {name}")
    assert wrong == []
