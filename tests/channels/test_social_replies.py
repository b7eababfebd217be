"""Drafted replies to social posts stay short and polite, promise nothing, admit nothing and
repeat no personal data; the templates file is checked when it loads."""

import json
import re
from pathlib import Path

import pytest

from moqi.channels import social
from moqi.channels.social import (
    ADMISSIONS,
    AUTHOR_IN_REPLY,
    MAX_PRIVATE_CHARS,
    MAX_PUBLIC_CHARS,
    PLATFORMS,
    PROMISES,
    TEMPLATES_FILE,
    SocialError,
    drafts,
    load_templates,
)
from tests.channels.social_posts import (
    _PERSONAL,
    ANGRY_BILL,
    BROADBAND,
    PERSONAL,
    PHONE,
    PRAISE,
    QUESTION,
    RALLY,
    REASONS,
    SARCASM,
    TEMPLATES,
    THREAT,
)

# -- drafts ---------------------------------------------------------------------------------

ALL_POSTS = [ANGRY_BILL, BROADBAND, THREAT, RALLY, QUESTION, PRAISE, SARCASM, PERSONAL]


@pytest.mark.parametrize("doc", ALL_POSTS, ids=lambda d: d["author"])
@pytest.mark.parametrize("reason", [None, "bill_dispute", "broadband_fault", "spam_fraud"])
def test_drafts_are_short_polite_and_hold_no_personal_data(read, doc, reason):
    post, a = read(doc)
    d = drafts(post, a, reason, TEMPLATES)
    assert set(d) == {"group", "public", "private"}
    assert len(d["public"]) <= MAX_PUBLIC_CHARS and len(d["private"]) <= MAX_PRIVATE_CHARS
    assert "私信" in d["public"]
    assert d["public"].startswith(f"@{post.author} ")  # the mention ends before the words
    for text in (d["public"], d["private"]):
        assert not _PERSONAL.search(text)
        assert not re.search(r"\{|\}|None", text)
        assert not any(w in text for w in (*PROMISES, *ADMISSIONS))
        assert post.text[:10] not in text  # the post is never repeated


@pytest.mark.parametrize(
    ("reason", "group"),
    [
        ("bill_dispute", "billing"),
        ("sp_unauthorized", "billing"),
        ("broadband_fault", "network"),
        ("install_delay", "network"),
        ("service_attitude", "attitude"),
        ("porting_obstruction", "porting"),
        ("promo_not_honoured", "promotion"),
        ("spam_fraud", "fraud"),
        ("account_closure", "general"),
        (None, "general"),
        ("no_such_reason", "general"),
    ],
)
def test_the_reason_picks_the_templates(read, reason, group):
    post, a = read(ANGRY_BILL)
    assert drafts(post, a, reason, TEMPLATES)["group"] == group


def test_praise_is_thanked_whatever_the_reason(read):
    post, a = read(PRAISE)
    d = drafts(post, a, "plan_change", TEMPLATES)
    assert d["group"] == "praise" and "谢谢" in d["public"]


def test_the_platform_is_named_in_the_private_message(read):
    post, a = read(BROADBAND, platform="douyin")
    assert "抖音" in drafts(post, a, "broadband_fault", TEMPLATES)["private"]


def test_a_long_or_odd_handle_keeps_the_reply_in_bounds(read):
    for author in ("超" * 64, "{platform}", f"用户{PHONE}"):
        post, a = read(ANGRY_BILL, author=author)
        for group in TEMPLATES.groups.values():
            reason = group.reasons[0] if group.reasons else None
            d = drafts(post, a, reason, TEMPLATES)
            assert len(d["public"]) <= MAX_PUBLIC_CHARS
            assert not _PERSONAL.search(d["public"] + d["private"])
    post, a = read(ANGRY_BILL, author="{platform}")
    assert drafts(post, a, None, TEMPLATES)["public"].startswith("@{platform} ")
    post, a = read(ANGRY_BILL, author="超" * 64)
    assert "超" * AUTHOR_IN_REPLY not in drafts(post, a, None, TEMPLATES)["public"]


# -- the templates file ---------------------------------------------------------------------


def test_the_shipped_templates_cover_every_complaint():
    groups = TEMPLATES.groups
    assert {"billing", "network", "attitude", "porting", "promotion", "fraud", "general"} <= set(
        groups
    )
    complaints = [r for r, moment in REASONS.items() if moment == "complaint"]
    assert complaints
    for reason in complaints:
        assert TEMPLATES.group_for(reason).code not in ("general", "praise"), reason


def test_the_shipped_templates_fit_every_platform():
    for group in TEMPLATES.groups.values():
        for platform in PLATFORMS:
            values = {"author": "字" * AUTHOR_IN_REPLY, "platform": PLATFORMS[platform]}
            assert len(social._render(group.public, values)) <= MAX_PUBLIC_CHARS
            assert len(social._render(group.private, values)) <= MAX_PRIVATE_CHARS
        assert "  " not in group.public and not re.search(r"[\u4e00-\u9fff，。] ", group.private)


GOOD_GROUP = {
    "label": "话费",
    "reasons": ["bill_dispute"],
    "public": "@{author} 您好，请私信我们号码，我们帮您核实。",
    "private": "{author}您好，请告诉我们您在{platform}提到的号码。",
}
FALLBACKS = {
    "general": {**GOOD_GROUP, "reasons": []},
    "praise": {**GOOD_GROUP, "reasons": []},
}


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "social_replies.yaml"
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_templates_file_loads(tmp_path):
    t = load_templates(_write(tmp_path, {"groups": {"billing": GOOD_GROUP, **FALLBACKS}}))
    assert t.group_for("bill_dispute").code == "billing"
    assert t.group_for("broadband_fault").code == "general"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("groups: [unclosed", "not valid YAML"),
        ({"replies": {}}, "expected groups"),
        ({"groups": {"billing": GOOD_GROUP}}, "group general is missing"),
        ({"groups": {"billing": GOOD_GROUP, "general": FALLBACKS["general"]}}, "praise"),
        (
            {"groups": {"billing": {**GOOD_GROUP, "public": "@{author} 您的{phone}请私信"}}},
            "unknown placeholder {phone}",
        ),
        ({"groups": {"billing": {**GOOD_GROUP, "public": "@{author 请私信"}}}, "unbalanced"),
        ({"groups": {"billing": {**GOOD_GROUP, "public": "请私信" + "字" * 140}}}, "characters"),
        ({"groups": {"billing": {**GOOD_GROUP, "public": "您好，我们马上处理。"}}}, "私信"),
        (
            {"groups": {"billing": {**GOOD_GROUP, "public": "请私信，我们一定给您补偿。"}}},
            "补偿",
        ),
        (
            {"groups": {"billing": {**GOOD_GROUP, "private": "这次是我们的失误，请见谅。"}}},
            "我们的失误",
        ),
        (
            {"groups": {"billing": {**GOOD_GROUP, "private": f"请联系{PHONE}"}}},
            "personal data",
        ),
        ({"groups": {"billing": {**GOOD_GROUP, "reasons": ["乱扣费"]}}}, "unknown reason"),
        (
            {"groups": {"billing": GOOD_GROUP, "charges": GOOD_GROUP, **FALLBACKS}},
            "already in group billing",
        ),
        ({"groups": {**FALLBACKS, "general": GOOD_GROUP}}, "lists no reasons"),
        ({"groups": {"billing": {**GOOD_GROUP, "tone": "warm"}}}, "unknown field(s) tone"),
        ({"groups": {"billing": {**GOOD_GROUP, "public": None}}}, "public: is missing"),
        ({"groups": {"Billing": GOOD_GROUP}}, "lower-case"),
    ],
)
def test_a_broken_templates_file_is_refused_with_the_reason(tmp_path, doc, message):
    with pytest.raises(SocialError) as e:
        load_templates(_write(tmp_path, doc))
    assert e.value.code == "bad_content"
    assert message in e.value.message


def test_a_missing_templates_file_is_named(tmp_path):
    with pytest.raises(SocialError, match="missing"):
        load_templates(tmp_path / "nope.yaml")


def test_the_shipped_file_is_the_default():
    assert TEMPLATES_FILE.name == "social_replies.yaml" and TEMPLATES_FILE.exists()
