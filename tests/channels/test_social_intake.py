"""Social posts stored: read by the live engine, one complaint ticket per post however often a
listening tool resends it (its priority raised as the post spreads), praise thanked and never a
ticket, CSV imports summarised with their bad rows, nothing half-written, no personal number
stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from moqi.channels import social_intake
from moqi.channels.models import SocialPostRow
from moqi.channels.social import SocialError, parse_webhook
from moqi.db import session_scope
from moqi.errors import Conflict, Invalid
from moqi.service.models import Ticket, TicketEvent
from tests.channels.social_posts import (
    BROADBAND,
    ID_CARD,
    PERSONAL,
    PHONE,
    PRAISE,
    QUESTION,
    THREAT,
    body,
)
from tests.conftest import count

TEAM = "social"
T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
_PERSONAL = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]")
SPREADING = {"reposts": 800, "comments": 1500, "likes": 9000, "followers": 3000}


def receive(db, doc: dict, *, at: datetime = T0, **changes) -> dict:
    with session_scope(db) as s:
        got = social_intake.receive(s, parse_webhook(body(doc, **changes)), now=at, team=TEAM)
        return {
            **social_intake.as_dict(got.row, drafts=True),
            "created": got.created,
            "opened": got.opened,
            "raised": got.raised,
        }


def ticket(db, ticket_id: int) -> dict:
    with session_scope(db) as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        return {
            "kind": t.kind,
            "priority": t.priority,
            "channel": t.channel,
            "team": t.team,
            "owner": t.owner,
            "title": t.title,
            "escalation": t.escalation,
            "reason": t.reason,
            "history": [
                (e.kind, e.field, e.old, e.new, e.body)
                for e in s.scalars(
                    select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by("id")
                )
            ],
        }


def test_a_threat_becomes_one_ticket_raised_as_the_post_spreads(loaded_db):
    quiet = receive(loaded_db, THREAT, followers=100, reposts=0, comments=0, likes=0)
    assert quiet["created"] and quiet["opened"] and quiet["priority"] == "high"
    assert quiet["escalating"] and quiet["channels"] == ["miit"]
    t = ticket(loaded_db, quiet["ticket_id"])
    assert t["kind"] == "complaint" and t["priority"] == "high"
    assert t["channel"] == "social" and t["team"] == TEAM and t["owner"] == "system"
    assert "工信部" in t["escalation"] and t["title"].startswith("微博 @维权的老李:")
    created = t["history"][0][4]
    assert THREAT["url"] in created and "扬言升级" in created and "12300" in created

    later = T0 + timedelta(hours=1)
    again = receive(loaded_db, THREAT, at=later, **SPREADING)
    assert not again["created"] and not again["opened"] and again["raised"]
    assert again["ticket_id"] == quiet["ticket_id"] and again["priority"] == "urgent"
    assert again["counts"]["reposts"] == 800 and again["received_at"] == T0.isoformat()
    t = ticket(loaded_db, quiet["ticket_id"])
    assert t["priority"] == "urgent"
    assert ("change", "priority", "high", "urgent") in [h[:4] for h in t["history"]]

    same = receive(loaded_db, THREAT, at=later, **SPREADING)  # the tool resends unchanged
    assert not (same["created"] or same["opened"] or same["raised"])
    assert count(loaded_db, SocialPostRow) == 1 and count(loaded_db, Ticket) == 1


def test_a_resend_never_lowers_the_ticket(loaded_db):
    spreading = receive(loaded_db, BROADBAND, **SPREADING)
    assert spreading["priority"] == "urgent"
    quiet = receive(loaded_db, BROADBAND)  # a tool that counts less (deleted comments)
    assert quiet["priority"] == "normal" and not quiet["raised"]
    assert ticket(loaded_db, spreading["ticket_id"])["priority"] == "urgent"


def test_a_post_edited_into_a_complaint_opens_its_ticket_then(loaded_db):
    asked = receive(loaded_db, QUESTION)
    assert asked["ticket_id"] is None and asked["priority"] == "low"
    angry = receive(loaded_db, QUESTION, text=THREAT["text"])
    assert angry["opened"] and angry["ticket_id"] is not None and not angry["created"]
    assert count(loaded_db, Ticket) == 1


def test_praise_is_no_ticket_and_is_thanked(loaded_db):
    got = receive(loaded_db, PRAISE)
    assert got["ticket_id"] is None and got["priority"] == "low" and not got["negative"]
    assert got["drafts"]["group"] == "praise" and "谢谢" in got["drafts"]["public"]
    assert count(loaded_db, Ticket) == 0


def test_the_reason_found_picks_the_drafts(loaded_db):
    got = receive(loaded_db, BROADBAND)
    # 报修三天没人来: a repair that never came (install_delay), one of the network group's.
    assert got["reason"] == "install_delay" and got["drafts"]["group"] == "network"
    assert ticket(loaded_db, got["ticket_id"])["reason"] == "install_delay"


def test_traditional_characters_read_like_simplified(loaded_db):
    simplified = receive(loaded_db, BROADBAND)
    traditional = receive(
        loaded_db,
        BROADBAND,
        post_id="4987654321099999",
        text="#寬帶報修# 寬帶報修三天了沒人來，天天說師傅在路上，在家辦公全靠它，你們到底管不管？",
    )
    for field in ("negative", "escalating", "priority", "reason", "reach"):
        assert traditional[field] == simplified[field], field
    assert traditional["drafts"]["group"] == simplified["drafts"]["group"]


def test_personal_numbers_are_never_stored(loaded_db):
    got = receive(loaded_db, PERSONAL)
    assert got["ticket_id"] is not None
    with session_scope(loaded_db) as s:
        social_intake.act(s, got["id"], "replied", by="lin", now=T0, reply=f"已私信 {PHONE} 的机主")
    with session_scope(loaded_db) as s:
        row = s.get(SocialPostRow, got["id"])
        t = s.get(Ticket, got["ticket_id"])
        events = s.scalars(select(TicketEvent.body)).all()
        stored = [
            row.text, row.author, row.why, row.reply, row.draft_public, row.draft_private,
            t.title, *events,
        ]  # fmt: skip
    assert "138****5678" in row.text and "138****5678" in row.reply
    for value in stored:
        assert not _PERSONAL.search(value), value
    assert ID_CARD not in " ".join(stored)


CSV_HEADER = "平台,帖子ID,作者,内容,链接,发布时间,转发,评论,点赞,粉丝数\n"


def csv_row(post_id: str, text: str, when: str = "2026-03-01 09:30") -> str:
    return (
        f"微博,{post_id},网友{post_id[-2:]},{text},https://weibo.com/1/{post_id},{when},1,2,3,400\n"
    )


def test_an_import_keeps_every_good_row_and_reports_the_rest(loaded_db):
    receive(loaded_db, BROADBAND)  # already known: updated, not new
    data = (
        CSV_HEADER
        + csv_row(BROADBAND["post_id"], BROADBAND["text"])
        + csv_row("5000000000000001", THREAT["text"])
        + csv_row("5000000000000002", "不知道发什么", when="昨天")
        + csv_row("5000000000000003", PRAISE["text"])
        + csv_row("5000000000000001", THREAT["text"])
    ).encode("utf-8")
    with session_scope(loaded_db) as s:
        summary = social_intake.import_csv(s, data, now=T0, team=TEAM)
    bad = summary.pop("bad_rows")
    assert summary == {"received": 5, "new": 2, "updated": 1, "tickets": 1, "raised": 0}
    assert [(b["row"], b["code"]) for b in bad] == [(4, "bad_time"), (6, "duplicate")]
    assert count(loaded_db, SocialPostRow) == 3 and count(loaded_db, Ticket) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\xff\xfe" * 10,  # not text
        "作者,内容\n小王,宽带又断了\n".encode(),  # required columns missing
    ],
    ids=["binary", "missing-columns"],
)
def test_an_unreadable_file_writes_nothing(loaded_db, data):
    with pytest.raises(SocialError), session_scope(loaded_db) as s:
        social_intake.import_csv(s, data, now=T0, team=TEAM)
    assert count(loaded_db, SocialPostRow) == 0 and count(loaded_db, Ticket) == 0


def test_replied_and_dismissed(loaded_db):
    got = receive(loaded_db, BROADBAND)
    with session_scope(loaded_db) as s:
        with pytest.raises(Invalid):
            social_intake.act(s, got["id"], "replied", by="lin", now=T0, reply="  ")
        with pytest.raises(Invalid):
            social_intake.act(s, got["id"], "archived", by="lin", now=T0)
        row = social_intake.act(s, got["id"], "dismissed", by="lin", now=T0)
        assert row.status == "dismissed" and row.replied_by == "lin"
        with pytest.raises(Conflict):
            social_intake.act(s, got["id"], "dismissed", by="lin", now=T0)
        row = social_intake.act(s, got["id"], "replied", by="mei", now=T0, reply="已私信")
        assert (row.status, row.replied_by, row.reply) == ("replied", "mei", "已私信")
        with pytest.raises(Conflict):
            social_intake.act(s, got["id"], "dismissed", by="lin", now=T0)


def test_a_dismissed_post_that_spreads_comes_back(loaded_db):
    got = receive(loaded_db, BROADBAND)
    with session_scope(loaded_db) as s:
        social_intake.act(s, got["id"], "dismissed", by="lin", now=T0)
    again = receive(loaded_db, BROADBAND, **SPREADING)
    assert again["raised"] and again["status"] == "new"
    quiet = receive(loaded_db, PRAISE)
    with session_scope(loaded_db) as s:
        social_intake.act(s, quiet["id"], "dismissed", by="lin", now=T0)
    assert receive(loaded_db, PRAISE, **SPREADING)["status"] == "dismissed"


def test_the_listing_filters_and_orders(loaded_db):
    receive(loaded_db, BROADBAND, posted_at="2026-03-01T08:00:00+08:00")
    receive(loaded_db, THREAT, posted_at="2026-03-01T09:00:00+08:00", **SPREADING)
    receive(loaded_db, PRAISE, posted_at="2026-03-01T10:00:00+08:00")
    with session_scope(loaded_db) as s:
        newest = [p["author"] for p in social_intake.listing(s)]
        urgent = [p["author"] for p in social_intake.listing(s, by_priority=True)]
        lows = social_intake.listing(s, priority="low", platform="weibo", status="new")
        none = social_intake.listing(s, platform="douyin")
    assert newest == [PRAISE["author"], THREAT["author"], BROADBAND["author"]]
    assert urgent == [THREAT["author"], BROADBAND["author"], PRAISE["author"]]
    assert [p["author"] for p in lows] == [PRAISE["author"]] and none == []
