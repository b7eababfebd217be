"""An id in a page's query string or path is bounded like every API id: one beyond PostgreSQL's
integer answers a clear 4xx, not a server error (the fuzz test reaches only the JSON API)."""

import pytest

from tests.conftest import add_users, login, serving

HUGE = 99_999_999_999


@pytest.fixture
def app(db, db_url):
    add_users(db, admin="admin")
    yield from serving(db_url)


@pytest.mark.parametrize(
    "path",
    [
        f"/workbench?contact_id={HUGE}",
        f"/knowledge/stories?contact={HUGE}",
        f"/insight/panel?panel={HUGE}",
        f"/insight/journey?survey={HUGE}",
        f"/insight/panel/{HUGE}.csv",
        "/insight/panel?panel=-1",
    ],
)
def test_an_id_out_of_range_is_refused_not_a_server_error(app, path):
    with login(app, "admin") as client:
        r = client.get(path)
    # The workbench only hands the id to its page's script, which asks the (bounded) API.
    assert r.status_code < 500, (path, r.status_code, r.text[:200])
    assert r.status_code >= 400 or path.startswith("/workbench")
