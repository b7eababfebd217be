"""The semantic stage in the product: a content revision's passages are embedded on a
background thread while the index already answers with words; the search answer and
/api/health say whether meaning is searched; a setting turns it off, and a missing engine or
too many passages to embed leave words alone, never a failed search."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from moqi.accounts.services import add_user
from moqi.app import create_app
from moqi.db import session_scope
from moqi.knowledge import semantic, services
from moqi.settings import get_settings
from tests.knowledge.test_search_semantic import TableEmbedder

AGENT = ("agent", "correct-horse-1")


class NoEngine(TableEmbedder):
    def passages(self, texts):
        raise OSError("libgomp missing")


def _roaming() -> TableEmbedder:
    return TableEmbedder({"出国": [1, 0], "漫游": [1, 0]}, other=[0, 1])


@pytest.fixture
def semantic_on(monkeypatch):
    """The stage on (tests run with it off), with the embedder the test sets and a process
    memory of vectors of its own (so what an earlier test embedded is not found)."""
    monkeypatch.setenv("MOQI_SEMANTIC_SEARCH", "on")
    monkeypatch.setattr(semantic, "SHARED_MEMORY", semantic.VectorMemory())
    get_settings.cache_clear()

    def use(embedder):
        monkeypatch.setattr(services, "_embedder", embedder)
        return embedder

    return use


def _built(loaded_db):
    with session_scope(loaded_db) as s:
        index = services.search_index(s)
    assert index.semantic_done.wait(60)
    return index


def test_passages_are_embedded_in_the_background_once(loaded_db, semantic_on):
    embedder = semantic_on(_roaming())
    index = _built(loaded_db)
    assert index.semantic_status == "on" and index.semantic is not None
    assert embedder.passages_embedded == len(index.docs)
    hits = index.search("出国了手机没信号怎么办", k=5)
    assert hits and hits[0].id == "business:intl_roaming"
    # The same revision is the same index; a new one reads every unchanged passage from the cache.
    with session_scope(loaded_db) as s:
        assert services.search_index(s) is index
        services.replace_content(s, services.load_content(s), note="again")
    again = _built(loaded_db)
    assert again is not index and again.semantic_status == "on"
    assert embedder.passages_embedded == len(index.docs)


def test_off_by_setting(loaded_db, semantic_on, monkeypatch):
    embedder = semantic_on(_roaming())
    monkeypatch.setenv("MOQI_SEMANTIC_SEARCH", "off")
    get_settings.cache_clear()
    with session_scope(loaded_db) as s:
        index = services.search_index(s)
    assert index.semantic_status == "off (MOQI_SEMANTIC_SEARCH=off)" and index.semantic is None
    assert index.search("国际漫游", k=3) and embedder.passages_embedded == 0


def test_no_engine_means_words_alone(loaded_db, semantic_on):
    semantic_on(NoEngine({}, other=[1, 0]))
    index = _built(loaded_db)
    assert index.semantic_status == "unavailable: OSError: libgomp missing"
    assert index.search("国际漫游", k=3)[0].id == "business:intl_roaming"


def test_too_many_passages_to_embed_means_words_alone(loaded_db, semantic_on, monkeypatch):
    embedder = semantic_on(_roaming())
    monkeypatch.setenv("MOQI_SEMANTIC_MAX_NEW", "10")
    get_settings.cache_clear()
    index = _built(loaded_db)
    assert index.semantic_status.startswith("off: ") and "(at most 10)" in index.semantic_status
    assert embedder.passages_embedded == 0 and index.search("国际漫游", k=3)


@pytest.fixture
def client(loaded_db, db_url):
    with session_scope(loaded_db) as s:
        add_user(s, *AGENT, "agent")
    with TestClient(create_app(db_url)) as c:
        yield c


def test_the_answer_and_health_say_whether_meaning_is_searched(client):
    assert client.get("/api/health").json()["semantic_search"] is None  # no search yet
    off = client.get("/api/knowledge/search", params={"q": "漫游"}, auth=AGENT).json()
    assert off["semantic"] == "off (MOQI_SEMANTIC_SEARCH=off)"
    assert client.get("/api/health").json()["semantic_search"] == "off"


def test_the_answer_says_on_once_embedded(client, semantic_on, loaded_db):
    semantic_on(_roaming())
    index = _built(loaded_db)
    body = client.get(
        "/api/knowledge/search", params={"q": "出國了手機沒信號怎麼辦"}, auth=AGENT
    ).json()
    assert body["semantic"] == "on" and index.semantic_status == "on"
    assert body["hits"][0]["id"] == "business:intl_roaming"
    assert client.get("/api/health").json()["semantic_search"] == "on"


def test_health_hides_the_reason_from_the_public(client, semantic_on, loaded_db):
    semantic_on(NoEngine({}, other=[1, 0]))
    _built(loaded_db)
    assert client.get("/api/health").json()["semantic_search"] == "unavailable"


def test_vectors_are_unit_length_rows():
    rows = _roaming().passages(["出国", "宽带"])
    assert rows.shape == (2, 2) and np.allclose(np.linalg.norm(rows, axis=1), 1)
