"""The knowledge base API end to end: an app on the loaded database, with an agent (and a second
one), a knowledge editor and a team lead."""

import pytest
from fastapi.testclient import TestClient

from moqi.app import create_app
from tests.conftest import PASSWORD, add_users

AGENT, EDITOR, LEAD = ("agent", PASSWORD), ("editor", PASSWORD), ("lead", PASSWORD)


@pytest.fixture
def client(loaded_db, db_url):
    add_users(loaded_db, agent="agent", agent2="agent", editor="knowledge_editor", lead="team_lead")
    with TestClient(create_app(db_url)) as c:
        yield c
