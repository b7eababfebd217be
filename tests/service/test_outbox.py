"""The outbox: a message to a customer is written once (masked, its full number sealed), goes out
through one gateway, is retried with backoff and never sent twice; a payment reminder to a
family member (话费代缴通知) needs the account holder's consent, which is stored with it."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from moqi.db import session_scope
from moqi.errors import Invalid, NotFound
from moqi.service import services as desk
from moqi.service.outbox import services as outbox
from moqi.service.outbox.gateway import (
    Gateway,
    OutboxGateway,
    WebhookGateway,
    gateway_from_settings,
    unseal,
    verify,
)
from moqi.service.outbox.models import OutboxMessage
from moqi.settings import Settings
from tests.conftest import add_users, count, login, serving

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
SECRET = "webhook-test-secret"
FAMILY = "139 1234 5678"


@pytest.fixture
def db_c(db):
    """The fresh database with one customer, C1001 (138****1001)."""
    with session_scope(db) as s:
        desk.upsert_customer(s, {"id": "C1001", "phone": "13800001001", "brand": "全球通"}, now=T0)
    return db


def _queue(db, key="k1", **over):
    args = {"dedupe_key": key, "channel": "sms", "kind": "notice", "recipient": "13912345678"}
    args |= {"body": "您好，您的宽带已修复。", "now": T0, **over}
    with session_scope(db) as s:
        return outbox.queue(s, **args).id


def _row(db, message_id) -> OutboxMessage:
    with session_scope(db) as s:
        return s.get(OutboxMessage, message_id)


def _deliver(db, gateway, at):
    with db() as s:
        return outbox.deliver_due(s, gateway, now=at)


class Receiver(BaseHTTPRequestHandler):
    """An SMS platform's webhook: checks the signature, fails the first `fail_first` posts."""

    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with srv.lock:
            srv.posts.append((self.headers["X-Moqi-Delivery"], json.loads(body)))
            signed = verify(SECRET, body, self.headers["X-Moqi-Signature"])
            srv.bad_signatures += not signed
            failing = len(srv.posts) <= srv.fail_first
        if srv.delay:
            threading.Event().wait(srv.delay)
        self.send_response(503 if failing else 401 if not signed else 202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def receiver():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    srv.lock, srv.posts, srv.bad_signatures, srv.fail_first, srv.delay = (
        threading.Lock(),
        [],
        0,
        0,
        0.0,
    )
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/moqi"
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join()


def test_a_second_queue_with_the_same_key_returns_the_first_and_writes_nothing(db_c):
    first = _queue(db_c, body="请回电 13812345678 确认")
    again = _queue(db_c, body="another text")
    assert again == first and count(db_c, OutboxMessage) == 1
    row = _row(db_c, first)
    # Masked before storing: the number is only in the sealed column, which opens with the secret.
    assert row.recipient == "139****5678" and row.body == "请回电 138****5678 确认"
    assert (
        "13912345678" not in row.recipient_sealed and unseal(row.recipient_sealed) == "13912345678"
    )
    assert (row.status, row.attempts, row.next_try_at) == ("pending", 0, None)
    # The customer's own masked number needs no seal: the gateway finds it by customer_id.
    own = _row(db_c, _queue(db_c, "k2", recipient="138****1001", customer_id="C1001"))
    assert (own.recipient, own.recipient_sealed) == ("138****1001", "")


@pytest.mark.parametrize(
    ("over", "error", "match"),
    [
        ({"channel": "fax"}, Invalid, "unknown channel 'fax'"),
        ({"kind": "spam"}, Invalid, "unknown kind 'spam'"),
        ({"body": "  "}, Invalid, "body is empty"),
        ({"body": "话" * 501}, Invalid, "at most 500"),
        ({"dedupe_key": "k" * 129}, Invalid, "at most 128"),
        ({"recipient": "12345"}, Invalid, "11-digit mobile number"),
        ({"recipient": "138****1001"}, Invalid, "without customer_id"),
        ({"recipient": ""}, Invalid, "recipient or a customer_id"),
        ({"customer_id": "C9999"}, NotFound, "no customer 'C9999'"),
        ({"ticket_id": 42}, NotFound, "no ticket 42"),
        ({"kind": "payment_reminder"}, Invalid, "consent"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(db_c, over, error, match):
    with pytest.raises(error, match=match):
        _queue(db_c, **over)
    assert count(db_c, OutboxMessage) == 0


def _remind(db, **over):
    args = {"customer_id": "C1001", "family_phone": FAMILY, "amount_yuan": "3.5"}
    args |= {"consent_by": "机主本人", "consent_how": "通话中口头同意（已录音）"}
    with session_scope(db) as s:
        return outbox.payment_reminder(s, agent="agent", now=T0, **(args | over)).id


def test_a_payment_reminder_needs_consent_and_stores_who_agreed_how_and_when(db_c):
    for missing in ("consent_by", "consent_how"):
        with pytest.raises(Invalid, match="needs the account holder's consent"):
            _remind(db_c, **{missing: "  "})
    with pytest.raises(Invalid, match="customer's own number"):
        _remind(db_c, family_phone="13800001001")
    with pytest.raises(Invalid, match="11-digit mobile"):
        _remind(db_c, family_phone="139****5678")
    assert count(db_c, OutboxMessage) == 0

    row = _row(db_c, _remind(db_c))
    assert (row.kind, row.channel, row.customer_id) == ("payment_reminder", "sms", "C1001")
    assert (
        row.consent
        == "机主本人同意（通话中口头同意（已录音）），2026-12-07 10:00北京时间，经办 agent"
    )
    assert row.recipient == "139****5678" and unseal(row.recipient_sealed) == "13912345678"
    assert "尾号1001" in row.body and "余额为3.50元" in row.body and "经机主同意" in row.body
    assert "13800001001" not in row.body and "13912345678" not in str(vars(row))
    # Asked again the same day (a retried request): the same reminder, not a second SMS.
    assert _remind(db_c, amount_yuan=-20) == row.id and count(db_c, OutboxMessage) == 1
    owed = _row(db_c, _remind(db_c, family_phone="13712345678", amount_yuan=-20))
    assert "已欠费20.00元" in owed.body


def test_the_outbox_gateway_marks_due_messages_sent_once(db_c):
    first, second = _queue(db_c, "a"), _queue(db_c, "b")
    assert _deliver(db_c, OutboxGateway(), T0) == {"sent": 2, "retry": 0, "failed": 0, "skipped": 0}
    for message_id in (first, second):
        row = _row(db_c, message_id)
        assert (row.status, row.gateway, row.attempts) == ("sent", "outbox", 1)
        assert row.sent_at.replace(tzinfo=UTC) - T0 < timedelta(seconds=5)
    assert _deliver(db_c, OutboxGateway(), T0 + timedelta(hours=1))["sent"] == 0


def test_the_webhook_is_signed_retried_with_backoff_and_sent_once(db_c, receiver):
    receiver.fail_first = 2
    hook = WebhookGateway(receiver.url, SECRET)
    message_id = _remind(db_c)
    assert _deliver(db_c, hook, T0)["retry"] == 1
    row = _row(db_c, message_id)
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "the webhook answered HTTP 503",
    )
    assert abs(row.next_try_at.replace(tzinfo=UTC) - (T0 + timedelta(minutes=1))) < timedelta(
        seconds=5
    )
    # Not due yet: nothing is posted.
    assert (
        _deliver(db_c, hook, T0 + timedelta(seconds=30))["retry"] == 0 and len(receiver.posts) == 1
    )
    assert _deliver(db_c, hook, T0 + timedelta(minutes=1))["retry"] == 1
    row = _row(db_c, message_id)
    assert row.next_try_at.replace(tzinfo=UTC) - T0 >= timedelta(minutes=3)  # then 2 minutes
    assert _deliver(db_c, hook, T0 + timedelta(minutes=3))["sent"] == 1
    assert _deliver(db_c, hook, T0 + timedelta(hours=2)) == {
        "sent": 0,
        "retry": 0,
        "failed": 0,
        "skipped": 0,
    }
    row = _row(db_c, message_id)
    assert (row.status, row.gateway, row.attempts, row.last_error) == ("sent", "webhook", 3, "")
    assert len(receiver.posts) == 3 and receiver.bad_signatures == 0
    # Every try carries the same delivery id, so a receiver can drop a repeat.
    assert {key for key, _ in receiver.posts} == {row.dedupe_key}
    payload = receiver.posts[-1][1]
    assert payload["to"] == "13912345678" and payload["recipient"] == "139****5678"
    assert (payload["id"], payload["kind"], payload["customer_id"]) == (
        message_id,
        "payment_reminder",
        "C1001",
    )
    assert payload["body"] == row.body and isinstance(payload["sent_at"], int)


def test_a_wrong_secret_is_refused_by_the_receiver(db_c, receiver):
    _queue(db_c)
    assert _deliver(db_c, WebhookGateway(receiver.url, "not-the-secret"), T0)["retry"] == 1
    assert receiver.bad_signatures == 1


def test_a_message_fails_for_good_after_six_tries(db_c, receiver):
    receiver.fail_first = 100
    hook, message_id, at = WebhookGateway(receiver.url, SECRET), _queue(db_c), T0
    waits = []
    for _ in range(5):
        assert _deliver(db_c, hook, at)["retry"] == 1
        after = _row(db_c, message_id).next_try_at.replace(tzinfo=UTC)
        waits.append(round((after - at).total_seconds() / 60))
        at = after
    assert waits == [1, 2, 4, 8, 16]
    assert _deliver(db_c, hook, at)["failed"] == 1
    row = _row(db_c, message_id)
    assert (row.status, row.attempts, row.next_try_at) == ("failed", 6, None)
    assert "HTTP 503" in row.last_error and len(receiver.posts) == 6
    assert _deliver(db_c, hook, at + timedelta(days=1))["failed"] == 0 and len(receiver.posts) == 6


def test_two_workers_delivering_at_once_never_send_one_message_twice(db_c, receiver):
    receiver.delay = 0.02
    ids = [_queue(db_c, f"k{i}", recipient=f"1391234{i:04d}") for i in range(12)]
    hook, start, results = WebhookGateway(receiver.url, SECRET), threading.Barrier(3), []

    def worker():
        start.wait()
        results.append(_deliver(db_c, hook, T0))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["sent"] for r in results) == 12
    assert sorted(key for key, _ in receiver.posts) == sorted(f"k{i}" for i in range(12))
    assert all(_row(db_c, i).attempts == 1 for i in ids)
    assert _deliver(db_c, hook, T0 + timedelta(hours=1))["sent"] == 0 and len(receiver.posts) == 12


def test_a_claim_left_by_a_dead_worker_is_sent_again_after_its_lease(db_c):
    message_id = _queue(db_c)
    with session_scope(db_c) as s:  # a worker claimed it, then died before it could record
        row = s.get(OutboxMessage, message_id)
        row.status, row.attempts, row.next_try_at = "sending", 1, T0 + outbox.LEASE
    assert _deliver(db_c, OutboxGateway(), T0)["sent"] == 0
    assert _deliver(db_c, OutboxGateway(), T0 + outbox.LEASE)["sent"] == 1
    assert _row(db_c, message_id).attempts == 2


class Flaky:
    name = "flaky"

    def send(self, message):
        if message.dedupe_key == "bad":
            raise RuntimeError("gateway bug")


def test_a_gateway_that_breaks_on_one_message_costs_the_others_nothing(db_c):
    bad, good = _queue(db_c, "bad"), _queue(db_c, "good")
    assert _deliver(db_c, Flaky(), T0) == {"sent": 1, "retry": 1, "failed": 0, "skipped": 0}
    assert _row(db_c, bad).last_error == "RuntimeError: gateway bug"
    assert _row(db_c, good).status == "sent"


def test_the_setting_chooses_the_gateway_and_both_fit_the_protocol():
    assert isinstance(gateway_from_settings(Settings()), OutboxGateway)
    hook = gateway_from_settings(
        Settings(gateway="webhook", webhook_url="https://sms.example/hook", webhook_secret=SECRET)
    )
    assert isinstance(hook, WebhookGateway) and isinstance(hook, Gateway)
    assert isinstance(OutboxGateway(), Gateway) and SECRET not in repr(hook)
    with pytest.raises(Invalid, match="MOQI_WEBHOOK_URL and MOQI_WEBHOOK_SECRET"):
        gateway_from_settings(Settings(gateway="webhook", webhook_url="https://sms.example/"))
    with pytest.raises(Invalid, match="http:// or https://"):
        WebhookGateway("ftp://sms.example/", "s")


@pytest.fixture
def app(db_c, db_url):

    add_users(db_c, agent="agent", lead="team_lead", admin="admin")
    yield from serving(db_url)


def test_agents_queue_reminders_and_only_leads_read_the_outbox(app, db_c):
    agent, lead = login(app, "agent"), login(app, "lead")
    good = {"customer_id": "C1001", "family_phone": "13912345678", "amount_yuan": 3.5}
    good |= {"consent_by": "机主本人", "consent_how": "通话中口头同意"}
    for bad, status in (
        ({"consent_by": ""}, 422),
        ({"amount_yuan": 1.234}, 422),
        ({"family_phone": "1391234567x"}, 422),
        ({"customer_id": "C9999"}, 404),
        ({"note": "extra"}, 422),
    ):
        r = agent.post("/api/outbox/payment-reminders", json=good | bad)
        assert r.status_code == status, (bad, r.text)
        assert r.headers["content-type"] == "application/problem+json" and r.json()["detail"]
    assert count(db_c, OutboxMessage) == 0
    r = agent.post("/api/outbox/payment-reminders", json=good)
    assert r.status_code == 200, r.text
    made = r.json()
    assert made["recipient"] == "139****5678" and "recipient_sealed" not in made
    assert agent.post("/api/outbox/payment-reminders", json=good).json()["id"] == made["id"]

    assert agent.get("/api/outbox").status_code == 403
    assert agent.get(f"/api/outbox/{made['id']}").status_code == 403
    assert [m["id"] for m in lead.get("/api/outbox").json()] == [made["id"]]
    assert lead.get("/api/outbox?status=sent").json() == []
    assert lead.get("/api/outbox?status=lost").status_code == 422
    assert lead.get(f"/api/outbox/{made['id']}").json()["consent"].startswith("机主本人同意")
    assert lead.get("/api/outbox/999").status_code == 404


def test_the_outbox_page_is_for_leads(app, db_c):
    _remind(db_c)
    html = {"accept": "text/html"}
    page = login(app, "lead").get("/outbox", headers=html)
    assert page.status_code == 200
    assert "话费代缴通知" in page.text and "139****5678" in page.text and "待发送" in page.text
    assert "13912345678" not in page.text
    assert "话费代缴通知" not in login(app, "lead").get("/outbox?status=sent", headers=html).text
    assert login(app, "agent").get("/outbox", headers=html).status_code == 403


def test_the_command_line_lists_shows_and_sends(db_c):
    from moqi.cli import app as cli

    message_id = _remind(db_c)
    run = CliRunner().invoke
    done = run(cli, ["outbox", "list", "--json"])
    assert done.exit_code == 0, done.output
    assert [m["id"] for m in json.loads(done.stdout)] == [message_id]
    done = run(cli, ["outbox", "list"])
    assert "待发送" in done.stdout and "139****5678" in done.stdout
    done = run(cli, ["outbox", "send"])
    assert done.exit_code == 0 and "outbox: 1 sent, 0 to retry" in done.stdout, done.output
    done = run(cli, ["outbox", "show", str(message_id), "--json"])
    assert json.loads(done.stdout)["status"] == "sent"
    for args, match in (
        (["outbox", "show", "999"], "no outbox message 999"),
        (["outbox", "show", "abc"], "an outbox message id is a whole number, not 'abc'"),
        (["outbox", "list", "--status", "lost"], "unknown status 'lost'"),
    ):
        done = run(cli, args)
        assert done.exit_code == 2 and done.stderr == f"moqi: error: {match}" + (
            ": one of pending, sending, sent, failed\n" if "status" in match else "\n"
        )
