"""Logging in and out over HTTP, the login limits, and the administration API and pages."""

import re
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moqi.accounts import logins, services
from moqi.accounts.limits import HashGate
from moqi.accounts.models import AuditRow, LoginSession
from moqi.db import session_scope
from moqi.settings import get_settings
from tests.conftest import PASSWORD, add_users, count, login, serving

WRONG = "wrong-password-1"


@pytest.fixture
def app(db, db_url):
    add_users(db, admin="admin", agent="agent", lead="team_lead")
    yield from serving(db_url)


def settings(monkeypatch, **values):
    for key, value in values.items():
        monkeypatch.setenv(f"MOQI_{key.upper()}", str(value))
    get_settings.cache_clear()


def is_problem(r, status):
    return r.status_code == status and r.headers["content-type"] == "application/problem+json"


def test_login_me_and_logout(app, db):
    with TestClient(app):
        anonymous = TestClient(app)
        assert "登录" in anonymous.get("/login").text
        refused = anonymous.post("/login", data={"username": "agent", "password": WRONG})
        assert refused.status_code == 401 and "用户名或密码错误" in refused.text
        assert is_problem(anonymous.get("/api/me"), 401)

        agent = login(app, "agent")
        assert agent.get("/api/me").json() == {
            "username": "agent",
            "display_name": "agent",
            "role": "agent",
            "team": "default",
        }
        token = agent.cookies["moqi_session"]
        out = agent.post("/logout", follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
        # The token is forgotten on the server, not only dropped by this browser.
        replay = TestClient(app, cookies={"moqi_session": token})
        assert replay.get("/api/me").status_code == 401
        assert count(db, LoginSession) == 0
        assert (
            TestClient(app).post("/logout", follow_redirects=False).status_code == 303
        )  # nobody logged in

        basic = TestClient(app)
        assert basic.get("/api/me", auth=("lead", PASSWORD)).json()["role"] == "team_lead"
        wrong = basic.get("/api/me", auth=("lead", WRONG))
        assert is_problem(wrong, 401) and wrong.headers["www-authenticate"] == "Basic"
    with session_scope(db) as s:
        log = [(r.actor, r.action) for r in s.scalars(select(AuditRow).order_by(AuditRow.id))]
    assert (
        ("agent", "login.failed") in log
        and ("agent", "login.succeeded") in log
        and ("agent", "logout") in log
    )
    assert ("lead", "login.succeeded") in log and ("lead", "login.failed") in log


def test_failed_logins_lock_the_account_until_an_admin_lifts_it(app, monkeypatch):
    settings(monkeypatch, login_user_max_failures=3)
    with TestClient(app):
        admin = login(app, "admin")
        client = TestClient(app)
        assert [client.get("/api/me", auth=("agent", WRONG)).status_code for _ in range(2)] == [
            401,
            401,
        ]
        locked = client.get("/api/me", auth=("agent", WRONG))
        assert is_problem(locked, 429) and "locked" in locked.json()["detail"]
        assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
        # While locked even the right password is refused, on the API and on the login page.
        assert client.get("/api/me", auth=("agent", PASSWORD)).status_code == 429
        page = client.post("/login", data={"username": "agent", "password": PASSWORD})
        assert (
            page.status_code == 429
            and "账号因多次登录失败已锁定" in page.text
            and "15 分钟" in page.text
        )
        assert page.headers["retry-after"]
        listed = {u["username"]: u for u in admin.get("/api/admin/users").json()["users"]}
        assert listed["agent"]["locked"] is True
        assert admin.post("/api/admin/users/agent/unlock").json()["locked"] is False
        assert client.get("/api/me", auth=("agent", PASSWORD)).status_code == 200


def test_failures_from_one_address_are_limited(app, monkeypatch):
    settings(monkeypatch, login_ip_max_failures=3)
    with TestClient(app):
        lead = login(app, "lead")  # logged in before the burst
        verified = TestClient(app)
        assert verified.get("/api/me", auth=("agent", PASSWORD)).status_code == 200
        client = TestClient(app)
        assert [client.get("/api/me", auth=(f"ghost{i}", WRONG)).status_code for i in range(3)] == [
            401,
            401,
            401,
        ]
        over = client.get("/api/me", auth=("ghost9", WRONG))
        assert (
            is_problem(over, 429)
            and "address" in over.json()["detail"]
            and int(over.headers["retry-after"]) > 0
        )
        page = client.post("/login", data={"username": "admin", "password": PASSWORD})
        assert page.status_code == 429 and "尝试次数过多" in page.text
        # Those already logged in, and credentials already verified, carry on.
        assert lead.get("/api/me").status_code == 200
        assert verified.get("/api/me", auth=("agent", PASSWORD)).status_code == 200


def test_a_login_is_answered_at_once_when_every_hashing_slot_is_busy(app, monkeypatch):
    monkeypatch.setattr(logins, "_gate", HashGate(slots=1, wait=0.05))
    with TestClient(app):
        client = TestClient(app)
        release = threading.Event()
        holding = threading.Event()

        def hold():
            with logins.hash_gate().slot():
                holding.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        holding.wait(5)
        try:
            busy = client.get("/api/me", auth=("agent", PASSWORD))
            assert is_problem(busy, 429) and busy.headers["retry-after"] == "1"
            page = client.post("/login", data={"username": "agent", "password": PASSWORD})
            assert page.status_code == 429 and "请稍后再试" in page.text
        finally:
            release.set()
            holder.join(5)
        assert client.get("/api/me", auth=("agent", PASSWORD)).status_code == 200


ADMIN_ROUTES = [
    ("get", "/api/admin/users", None),
    ("post", "/api/admin/users", {"username": "newbie", "role": "agent"}),
    ("get", "/api/admin/users/agent", None),
    ("patch", "/api/admin/users/agent", {"team": "x"}),
    ("post", "/api/admin/users/agent/deactivate", None),
    ("post", "/api/admin/users/agent/activate", None),
    ("post", "/api/admin/users/agent/unlock", None),
    ("post", "/api/admin/users/agent/password", None),
    ("get", "/api/admin/audit", None),
]


def test_only_admins_may_administer(app):
    with TestClient(app):
        anonymous, lead = TestClient(app), login(app, "lead")
        for method, url, body in ADMIN_ROUTES:
            kwargs = {"json": body} if body is not None else {}
            assert is_problem(getattr(anonymous, method)(url, **kwargs), 401), url
            assert is_problem(getattr(lead, method)(url, **kwargs), 403), url
        for url in ("/admin/users", "/admin/audit"):
            assert anonymous.get(url, follow_redirects=False).headers["location"] == "/login"
            assert lead.get(url).status_code == 403
        for url in (
            "/admin/users",
            "/admin/users/agent/active",
            "/admin/users/agent/password",
            "/admin/users/agent/unlock",
        ):
            assert (
                lead.post(
                    url, data={"username": "x", "role": "agent", "active": "false"}
                ).status_code
                == 403
            )


def test_the_admin_api_manages_users(app, db):
    with TestClient(app):
        admin, agent = login(app, "admin"), login(app, "agent")
        made = admin.post(
            "/api/admin/users",
            json={"username": "zhang", "role": "agent", "display_name": "张三", "team": "一组"},
        )
        assert made.status_code == 201, made.text
        secret = made.json()["password"]
        assert (
            made.json()["team"] == "一组"
            and TestClient(app).get("/api/me", auth=("zhang", secret)).status_code == 200
        )
        given = admin.post(
            "/api/admin/users", json={"username": "wang", "password": "another-good-one"}
        )
        assert given.status_code == 201 and "password" not in given.json()
        assert is_problem(admin.post("/api/admin/users", json={"username": "zhang"}), 409)
        weak = admin.post("/api/admin/users", json={"username": "li", "password": "password1234"})
        assert is_problem(weak, 422) and "common" in weak.json()["detail"]
        assert is_problem(
            admin.post("/api/admin/users", json={"username": "li", "role": "boss"}), 422
        )
        assert is_problem(admin.get("/api/admin/users/ghost"), 404)
        assert is_problem(admin.post("/api/admin/users/ghost/deactivate"), 404)

        patched = admin.patch(
            "/api/admin/users/agent", json={"team": "二组", "role": "team_lead"}
        ).json()
        assert (patched["team"], patched["role"]) == ("二组", "team_lead")
        assert agent.get("/api/me").json()["team"] == "二组"

        # Deactivating ends the user's logins at once; activating does not bring them back.
        assert admin.post("/api/admin/users/agent/deactivate").json()["active"] is False
        assert agent.get("/api/me").status_code == 401
        with session_scope(db) as s:
            assert (
                s.scalar(
                    select(func.count())
                    .select_from(LoginSession)
                    .where(LoginSession.user_id == services.get_user(s, "agent").id)
                )
                == 0
            )
        assert admin.post("/api/admin/users/agent/activate").json()["active"] is True
        assert agent.get("/api/me").status_code == 401
        assert is_problem(admin.post("/api/admin/users/admin/deactivate"), 409)  # not yourself
        assert is_problem(
            admin.patch("/api/admin/users/admin", json={"role": "agent"}), 409
        )  # the last admin

        reset = admin.post("/api/admin/users/agent/password")
        fresh = reset.json()["password"]
        assert TestClient(app).get("/api/me", auth=("agent", PASSWORD)).status_code == 401
        assert TestClient(app).get("/api/me", auth=("agent", fresh)).status_code == 200
        chosen = admin.post("/api/admin/users/agent/password", json={"password": "chosen-by-admin"})
        assert chosen.json() == {"username": "agent"}
        assert is_problem(
            admin.post("/api/admin/users/agent/password", json={"password": "agent-password"}), 422
        )

        audit = admin.get("/api/admin/audit", params={"actor": "admin", "action": "user"}).json()
        done = [e["action"] for e in audit["entries"]]
        assert done[0] == "user.password_reset" and {
            "user.created",
            "user.updated",
            "user.deactivated",
            "user.activated",
        } <= set(done)
        assert audit["total"] == len(done) and audit["entries"]
        assert all(e["actor"] == "admin" for e in audit["entries"])
        paged = admin.get("/api/admin/audit", params={"per_page": 2, "page": 2}).json()
        assert len(paged["entries"]) == 2 and paged["total"] > 4
        assert admin.get("/api/admin/audit", params={"since": "2999-01-01"}).json()["total"] == 0
        assert admin.get("/api/admin/audit", params={"until": "2000-01-01"}).json()["total"] == 0
        assert is_problem(admin.get("/api/admin/audit", params={"since": "yesterday"}), 422)


def no_inline_script(html: str) -> bool:
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    return all(not body.strip() for body in scripts) and not re.search(r"\son[a-z]+\s*=", html)


def test_the_admin_pages(app, db):
    with TestClient(app):
        admin = login(app, "admin")
        page = admin.get("/admin/users")
        assert (
            page.status_code == 200
            and "用户管理" in page.text
            and 'data-username="agent"' in page.text
        )
        assert "/static/admin.js" in page.text and no_inline_script(page.text)
        assert admin.get("/static/admin.js").status_code == 200

        made = admin.post(
            "/admin/users",
            data={
                "username": "zhao",
                "role": "expert",
                "display_name": "赵专家",
                "team": "专家组",
                "password": "",
            },
        )
        assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
        secret = re.search(r'<code class="secret">([^<]+)</code>', made.text).group(1)
        assert TestClient(app).get("/api/me", auth=("zhao", secret)).json()["team"] == "专家组"
        assert secret not in admin.get("/admin/users").text  # shown once only

        weak = admin.post(
            "/admin/users", data={"username": "qian", "role": "agent", "password": "short"}
        )
        assert (
            weak.status_code == 422
            and "密码至少需要 10 个字符" in weak.text
            and 'value="qian"' in weak.text
        )
        dup = admin.post(
            "/admin/users",
            data={"username": "zhao", "role": "agent", "password": "good-password-9"},
        )
        assert dup.status_code == 409 and "已存在" in dup.text

        agent = login(app, "agent")
        off = admin.post(
            "/admin/users/agent/active", data={"active": "false"}, follow_redirects=False
        )
        assert off.status_code == 303 and "done=deactivated" in off.headers["location"]
        assert agent.get("/api/me").status_code == 401
        listed = admin.get(off.headers["location"]).text
        assert "已停用 agent" in listed and "已停用</span>" in listed
        assert (
            admin.post(
                "/admin/users/agent/active", data={"active": "true"}, follow_redirects=False
            ).status_code
            == 303
        )
        assert admin.post("/admin/users/admin/active", data={"active": "false"}).status_code == 409

        saved = admin.post(
            "/admin/users/agent/profile",
            data={"role": "team_lead", "team": "三组", "display_name": "小王"},
        )
        assert saved.status_code == 200 and "已保存 agent 的角色与团队" in saved.text
        assert (
            admin.post(
                "/admin/users/agent/profile", data={"role": "boss", "team": "三组"}
            ).status_code
            == 422
        )

        reset = admin.post("/admin/users/agent/password")
        fresh = re.search(r'<code class="secret">([^<]+)</code>', reset.text).group(1)
        assert TestClient(app).get("/api/me", auth=("agent", fresh)).json()["team"] == "三组"
        assert admin.post("/admin/users/ghost/password").status_code == 404
        assert "已解除 agent 的锁定" in admin.post("/admin/users/agent/unlock").text

        log = admin.get("/admin/audit", params={"actor": "admin", "action": "user"})
        rows = log.text.split("<tbody>")[1]
        assert (
            log.status_code == 200
            and "<td>重置密码</td>" in rows
            and "<td>停用用户</td>" in rows
            and no_inline_script(log.text)
        )
        assert "<td>登录成功</td>" not in rows  # filtered to user management
        assert "日期格式" in admin.get("/admin/audit", params={"since": "nope"}).text
        assert (
            admin.get("/admin/audit", params={"actor": "nobody-at-all"}).text.count(
                "没有符合条件的记录"
            )
            == 1
        )
