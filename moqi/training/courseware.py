"""Courseware built from the content: each course is a title and sections of Markdown, made
from the live catalogue, lexicon, scripts, operation phrases and escalation channels, so a
course changes when the content does. The peak-end course is prose (data/training/), the
emotion course quotes real customers' words from stored calls (masked when stored).

Pure: the caller passes the content, its revision, the prose and the call excerpts."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from moqi.content import Content
from moqi.content.model import (
    EMOTION_LABELS,
    EMOTIONS,
    RELATION_LABELS,
    SCRIPT_KIND_LABELS,
    STAGE_LABELS,
)

COURSES = {
    "peak_end": "峰终定律与服务关键时刻",
    "emotions": "识别与应对客户情绪",
    "business_map": "业务关联地图",
    "scripts": "话术库",
    "confirmation": "三维确认",
    "escalation": "升级渠道的识别与处置",
}
EXCERPTS_PER_EMOTION = 3
WORDS_PER_EMOTION = 16
CATEGORY_LABELS = {
    "plan": "套餐",
    "5g": "5G",
    "data": "流量",
    "broadband": "宽带",
    "iptv": "电视",
    "fixed_line": "固话",
    "roaming": "国际及港澳台漫游",
    "intl_call": "国际长途",
    "vas": "增值业务",
    "sp": "代收费业务",
    "family": "家庭业务",
    "contract": "合约",
    "account": "账户",
    "payment": "缴费与充值",
    "invoice": "发票",
    "points": "积分",
    "number": "号码",
    "sim": "SIM卡",
    "porting": "携号转网",
    "suspension": "停复机",
    "security": "安全防护",
    "network": "网络质量",
}


@dataclass(frozen=True)
class Section:
    heading: str
    markdown: str


@dataclass(frozen=True)
class Course:
    """One course as built: its key, title, sections and the content it was built from."""

    key: str
    title: str
    sections: tuple[Section, ...]
    revision: int
    fingerprint: str

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, body: Mapping) -> Course:
        return cls(
            key=body["key"],
            title=body["title"],
            sections=tuple(Section(**s) for s in body["sections"]),
            revision=int(body["revision"]),
            fingerprint=body["fingerprint"],
        )


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks)."""
    return str(text).replace("|", "｜").replace("\n", " ").strip()


def any_label(value: str, labels: Mapping[str, str] | None = None) -> str:
    """A script key as people read it: `*` is 不限."""
    if value in ("", "*"):
        return "不限"
    return (labels or {}).get(value, value)


def fingerprint(content: Content) -> str:
    """A digest of the parts of the content the courses and quizzes read: equal digests, equal
    courses (short of the call excerpts)."""
    parts = {
        "businesses": [asdict(b) for b in content.businesses],
        "relations": [asdict(r) for r in content.relations],
        "lexicon": [asdict(e) for e in content.lexicon],
        "scripts": [asdict(s) for s in content.scripts],
        "reasons": [(r.code, r.label) for r in content.reasons],
        "advice": content.advice,
        "operations": content.operations,
        "escalation": content.escalation,
    }
    raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def split_prose(text: str) -> tuple[str, tuple[Section, ...]]:
    """A Markdown page's title (its `# ` line) and its sections (`## ` headings; the text
    before the first heading is a section headed 导言)."""
    title, heading = "", "导言"
    lines: list[str] = []
    sections: list[Section] = []
    for line in text.splitlines():
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            if "".join(lines).strip():
                sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    if "".join(lines).strip():
        sections.append(Section(heading, "\n".join(lines).strip()))
    return title, tuple(sections)


def pick_excerpts(
    content: Content, lines: Iterable[str], per_emotion: int = EXCERPTS_PER_EMOTION
) -> dict[str, list[tuple[str, str]]]:
    """For each emotion, up to `per_emotion` (word, line) pairs: customers' stored lines holding
    one of its lexicon words (the longest word found in a line decides its emotion; a line
    with a mask word, or a negation just before the word, is left out)."""
    words = sorted(content.lexicon, key=lambda e: -len(e.word))
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    seen: set[str] = set()
    for line in lines:
        text = line.strip()
        if not text or text in seen or len(text) > 120:
            continue
        seen.add(text)
        masked_out = any(m in text for m in content.masks)
        hit = next((e for e in words if len(e.word) >= 2 and e.word in text), None)
        if hit is None or masked_out or len(found[hit.category]) >= per_emotion:
            continue
        # "我不生气" is no example of anger: a negation just before the word rules the line out.
        at = text.index(hit.word)
        if any(n and n in text[max(0, at - len(n) - 2) : at] for n in content.negations):
            continue
        found[hit.category].append((hit.word, text))
    return dict(found)


def _emotions(content: Content, excerpts: Mapping[str, list[tuple[str, str]]]) -> list[Section]:
    by_category: dict[str, list] = defaultdict(list)
    for entry in content.lexicon:
        by_category[entry.category].append(entry)
    advice = (content.advice or {}).get("by_category", {})
    sections = [
        Section(
            "怎样读这一课",
            "每种情绪列出词库中强度最高的说法（强度 1–5）、带“升级”或“离网”标记的说法，"
            "工作台对这种情绪给出的应对建议，以及真实来电中客户的原话（已脱敏）。"
            "听到这些词时，先接情绪，再接事情。",
        )
    ]
    for emotion in EMOTIONS:
        entries = sorted(by_category.get(emotion, []), key=lambda e: (-e.intensity, e.word))
        if not entries:
            continue
        lines = [f"词库中共 **{len(entries)}** 个说法。强度最高的："]
        lines.append("、".join(f"{e.word}（{e.intensity}）" for e in entries[:WORDS_PER_EMOTION]))
        flagged = [e.word for e in entries if e.escalation][:8]
        if flagged:
            lines.append(f"\n**有升级风险的说法：** {'、'.join(flagged)}")
        churn = [e.word for e in entries if e.churn][:8]
        if churn:
            lines.append(f"\n**有离网风险的说法：** {'、'.join(churn)}")
        tips = advice.get(emotion, {})
        shown = [_tip(t) for level in ("high", "medium", "low") for t in tips.get(level, [])[:2]]
        if shown:
            lines.append("\n**应对要点：**\n")
            lines.extend(f"- {t}" for t in shown if t)
        quotes = excerpts.get(emotion, [])
        if quotes:
            lines.append("\n**真实来电摘录（已脱敏）：**\n")
            lines.extend(f"> “{cell(text)}”（关键词：{word}）\n" for word, text in quotes)
        sections.append(Section(EMOTION_LABELS[emotion], "\n".join(lines)))
    return sections


def _tip(tip: object) -> str:
    return str(tip.get("text", "")) if isinstance(tip, Mapping) else str(tip)


def _business_map(content: Content) -> list[Section]:
    names = {b.code: b.name for b in content.businesses}
    reasons = {r.code: r.label for r in content.reasons}
    edges: dict[str, list] = defaultdict(list)
    for r in content.relations:
        edges[r.src].append(r)
    by_category: dict[str, list] = defaultdict(list)
    for b in content.businesses:
        by_category[b.category].append(b)
    sections = []
    for category in sorted(by_category, key=lambda c: (c not in CATEGORY_LABELS, c)):
        lines = []
        for b in sorted(by_category[category], key=lambda b: b.code):
            lines.append(f"### {b.name}\n\n{b.summary}\n")
            rows = [
                f"| {RELATION_LABELS.get(r.relation, r.relation)} | "
                f"{cell(names.get(r.dst) or reasons.get(r.dst) or r.dst)} | {cell(r.note)} |"
                for r in sorted(edges.get(b.code, []), key=lambda r: r.relation)
            ]
            if rows:
                lines.append("| 关系 | 业务或问题 | 坐席须知 |\n|---|---|---|")
                lines.extend(rows)
                lines.append("")
        sections.append(Section(CATEGORY_LABELS.get(category, category), "\n".join(lines)))
    return sections


def _scripts(content: Content) -> list[Section]:
    reasons = {r.code: r.label for r in content.reasons}
    by_kind: dict[str, list] = defaultdict(list)
    for s in content.scripts:
        by_kind[s.kind].append(s)
    sections = []
    for kind in sorted(
        by_kind, key=lambda k: list(SCRIPT_KIND_LABELS).index(k) if k in SCRIPT_KIND_LABELS else 99
    ):
        rows = [
            f"| {cell(any_label(s.reason, reasons))} | {any_label(s.emotion, EMOTION_LABELS)} | "
            f"{cell(any_label(s.brand))} | {any_label(s.stage, STAGE_LABELS)} | {cell(s.text)} |"
            for s in by_kind[kind]
        ]
        body = "| 场景 | 情绪 | 品牌 | 阶段 | 话术 |\n|---|---|---|---|---|\n" + "\n".join(rows)
        sections.append(Section(SCRIPT_KIND_LABELS.get(kind, kind), body))
    return sections


def _confirmation(content: Content) -> list[Section]:
    ops = content.operations or {}
    prompts = [
        str(p).format(number="1234", business="国际漫游", result="成功")
        for p in ops.get("confirm_prompts", [])
    ]
    sections = [
        Section(
            "三个维度",
            "每次办理、变更、取消业务之后，坐席都要向客户复述三件事，并等客户确认：\n\n"
            "1. **办理的业务**：业务名称，多笔操作逐一读出；\n"
            "2. **办理的号码**：只读号码后四位；\n"
            "3. **办理结果**：成功或未成功，未成功要说明原因和下一步。\n\n"
            "客户说“对”才算确认；客户说“不对”时，当场核对更正，不能结束通话。",
        )
    ]
    if prompts:
        sections.append(
            Section(
                "复述的说法（以尾号1234办理国际漫游成功为例）", "\n".join(f"- {p}" for p in prompts)
            )
        )
    for key, heading in (
        ("done", "这些话一出口，系统就认为操作已完成，随即提示复述"),
        ("failed", "这些话表示操作未成功，复述时结果读“未成功”"),
        ("customer_ack", "客户这样回答，算确认"),
        ("customer_reject", "客户这样回答，是否认，须当场核对"),
    ):
        words = [str(w) for w in ops.get(key, [])]
        if words:
            sections.append(Section(heading, "、".join(words)))
    return sections


def _escalation(content: Content) -> list[Section]:
    channels = (content.escalation or {}).get("channels", [])
    return [
        Section(
            str(c.get("label", c.get("code", ""))),
            f"**客户的说法：** {'、'.join(str(w) for w in c.get('words', []))}\n\n"
            f"**此刻该做的事：** {c.get('advice', '')}",
        )
        for c in channels
    ]


def build_courses(
    content: Content,
    *,
    revision: int,
    prose: str,
    excerpts: Mapping[str, list[tuple[str, str]]] | None = None,
) -> list[Course]:
    """Every course, built from `content` at `revision`; `prose` is the peak-end page."""
    digest = fingerprint(content)
    _, peak_sections = split_prose(prose)
    made = {
        "peak_end": list(peak_sections),
        "emotions": _emotions(content, excerpts or {}),
        "business_map": _business_map(content),
        "scripts": _scripts(content),
        "confirmation": _confirmation(content),
        "escalation": _escalation(content),
    }
    return [
        Course(key, COURSES[key], tuple(sections), revision, digest)
        for key, sections in made.items()
        if sections
    ]


def course_markdown(course: Course) -> str:
    """One course as a Markdown document (for printing or the CLI)."""
    parts = [
        f"# {course.title}",
        "",
        f"> 依据内容修订版 {course.revision}（{course.fingerprint}）生成",
        "",
    ]
    for s in course.sections:
        parts += [f"## {s.heading}", "", s.markdown, ""]
    return "\n".join(parts)
