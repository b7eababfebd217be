"""Reply drafts for social posts: templates from content (moqi/data/channels/social_replies.yaml),
checked so that a public reply never admits fault, promises money or quotes the post."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moqi.channels.social_post import (
    AUTHOR_IN_REPLY,
    MAX_PRIVATE_CHARS,
    MAX_PUBLIC_CHARS,
    PLATFORMS,
    Assessment,
    SocialError,
    SocialPost,
)
from moqi.content.reading import DATA_DIR, ContentError, read_yaml
from moqi.nlp.mask import mask_pii

TEMPLATES_FILE = DATA_DIR / "channels" / "social_replies.yaml"

# What a template may say: nothing of the post but its author's handle and the platform.
PLACEHOLDERS = ("author", "platform")
_WIDEST = {"author": "字" * AUTHOR_IN_REPLY, "platform": max(PLATFORMS.values(), key=len)}
# A reply drafted before anyone has looked at the account neither admits fault nor promises
# money: that is decided after the facts are known, and a public promise binds.
PROMISES = ("赔偿", "补偿", "赔付", "退还", "返还", "免单", "全额退", "双倍", "保证退", "一定退")
ADMISSIONS = (
    "我们的错",
    "我们的失误",
    "我方失误",
    "我方责任",
    "我们的责任",
    "工作失误",
    "是我们不对",
)
INVITATION = "私信"  # every public reply moves the conversation there
FALLBACK_GROUP = "general"
PRAISE_GROUP = "praise"
_FIELD = re.compile(r"\{([^{}]*)\}")
_FOLD = re.compile(r"(?<=[^\x00-\x7f])\s+")


# -- reply templates -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplyGroup:
    """The replies for a group of call reasons (or the fallbacks general and praise)."""

    code: str
    label: str
    reasons: tuple[str, ...]
    public: str
    private: str


@dataclass(frozen=True, slots=True)
class ReplyTemplates:
    groups: Mapping[str, ReplyGroup]

    def group_for(self, reason: str | None) -> ReplyGroup:
        """The group whose reasons hold `reason`, else the general one."""
        if reason:
            for group in self.groups.values():
                if reason in group.reasons:
                    return group
        return self.groups[FALLBACK_GROUP]


def _fail(where: str, message: str) -> SocialError:
    return SocialError(f"{where}: {message}", code="bad_content")


def _render(template: str, values: Mapping[str, str]) -> str:
    # One pass, so a handle that reads like a placeholder ("{platform}") stays a handle.
    return _FIELD.sub(lambda m: values.get(m.group(1), ""), template)


def _check_template(text: Any, where: str, *, limit: int, public: bool) -> str:
    if not isinstance(text, str) or not text.strip():
        raise _fail(where, "is missing")
    # A folded YAML line break is a space; Chinese has none after its characters and
    # punctuation. After ASCII it stays: "@{author} 您好" needs it to end the mention.
    text = _FOLD.sub("", text.strip())
    for field in _FIELD.findall(text):
        if field not in PLACEHOLDERS:
            raise _fail(
                where, f"unknown placeholder {{{field}}} (known: {', '.join(PLACEHOLDERS)})"
            )
    if any(c in _FIELD.sub("", text) for c in "{}"):
        raise _fail(where, "unbalanced { or }")
    longest = len(_render(text, _WIDEST))
    if longest > limit:
        raise _fail(
            where,
            f"can reach {longest} characters with a {AUTHOR_IN_REPLY}-character handle "
            f"(at most {limit}): shorten it",
        )
    for word in (*PROMISES, *ADMISSIONS):
        if word in text:
            raise _fail(
                where,
                f"says “{word}”: a first reply neither promises money nor admits fault",
            )
    if public and INVITATION not in text:
        raise _fail(where, f"a public reply invites a private message (say “{INVITATION}”)")
    if mask_pii(text) != text:
        raise _fail(where, "holds what reads as personal data (a phone, ID or card number)")
    return text


def load_templates(
    path: Path = TEMPLATES_FILE, reasons: Mapping[str, str] | None = None
) -> ReplyTemplates:
    """The reply templates of a social_replies.yaml, checked: groups general and praise
    present, each reason a taxonomy code in one group at most, placeholders known, public
    replies short enough for Weibo, inviting a private message, promising nothing."""
    from moqi.channels.selfservice import reason_moments

    reasons = reason_moments() if reasons is None else reasons
    try:
        doc = read_yaml(path)
    except ContentError as e:
        raise SocialError(str(e), code="bad_content") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), dict):
        raise _fail(str(path), "expected groups: {code: {label, reasons, public, private}}")
    groups: dict[str, ReplyGroup] = {}
    owner: dict[str, str] = {}
    for code, entry in doc["groups"].items():
        where = f"{path} group {code}"
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z_]*", code):
            raise _fail(where, "a group code is lower-case ASCII letters and _")
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        unknown = set(entry) - {"label", "reasons", "public", "private"}
        if unknown:
            raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise _fail(where, "label is missing")
        listed = entry.get("reasons") or []
        if not isinstance(listed, list) or not all(isinstance(r, str) for r in listed):
            raise _fail(where, "reasons must be a list of reason codes")
        if code in (FALLBACK_GROUP, PRAISE_GROUP) and listed:
            raise _fail(where, f"{code} is a fallback: it lists no reasons")
        for reason in listed:
            if reason not in reasons:
                raise _fail(where, f"unknown reason {reason!r} (see taxonomy.yaml)")
            if reason in owner:
                raise _fail(where, f"reason {reason!r} is already in group {owner[reason]}")
            owner[reason] = code
        groups[code] = ReplyGroup(
            code=code,
            label=label.strip(),
            reasons=tuple(listed),
            public=_check_template(
                entry.get("public"), f"{where} public", limit=MAX_PUBLIC_CHARS, public=True
            ),
            private=_check_template(
                entry.get("private"), f"{where} private", limit=MAX_PRIVATE_CHARS, public=False
            ),
        )
    for needed in (FALLBACK_GROUP, PRAISE_GROUP):
        if needed not in groups:
            raise _fail(str(path), f"group {needed} is missing (every post needs a reply)")
    return ReplyTemplates(groups=groups)


def drafts(
    post: SocialPost, assessment: Assessment, reason: str | None, templates: ReplyTemplates
) -> dict[str, str]:
    """The public reply and the first private message for a post, for the team to edit.

    `reason` is the call reason the engine found in the post (None when none): its group's
    templates are used, the general ones for a reason in no group. A post that is positive
    and no ticket is thanked (the praise group). Only the author's handle (masked, cut to
    AUTHOR_IN_REPLY characters) and the platform's name fill a template; the post's words are
    never repeated. Returns {"group", "public", "private"}."""
    if assessment.polarity == "positive" and not assessment.becomes_ticket:
        group = templates.groups[PRAISE_GROUP]
    else:
        group = templates.group_for(reason)
    author = mask_pii(post.author.lstrip("@＠").strip())
    if len(author) > AUTHOR_IN_REPLY:
        author = author[: AUTHOR_IN_REPLY - 1] + "…"
    values = {"author": author, "platform": PLATFORMS.get(post.platform, PLATFORMS["other"])}
    public = _render(group.public, values)
    private = _render(group.private, values)
    if len(public) > MAX_PUBLIC_CHARS:  # a template not checked by load_templates
        raise SocialError(
            f"the public reply of group {group.code} has {len(public)} characters "
            f"(at most {MAX_PUBLIC_CHARS})",
            code="bad_content",
        )
    return {"group": group.code, "public": public, "private": private}
