"""A small, hand-made content set that every kind of question and course can be built from,
with the right answers known by construction."""

from __future__ import annotations

from dataclasses import replace

from moqi.content import Business, Content, LexiconEntry, Reason, Relation, Script

BUSINESSES = (
    Business("roaming", "国际漫游", "roaming", ("国际漫游",), "出境前开通，按天计费。"),
    Business("realname", "实名认证", "account", ("实名",), "办理大多数业务前须实名。"),
    Business("voicemail", "语音信箱", "vas", ("语音信箱",), "未接来电转入留言。"),
    Business("callfwd", "呼叫转移", "vas", ("呼转",), "来电转到另一个号码。"),
    Business("broadband", "家庭宽带", "broadband", ("宽带",), "光纤入户。"),
    Business("iptv", "魔百和", "broadband", ("魔百和",), "依托宽带的电视。"),
    Business("datapack", "流量包", "data", ("流量包",), "当月有效的流量加油包。"),
)
RELATIONS = (
    Relation("roaming", "realname", "requires", "出境漫游须号码已实名。"),
    Relation("iptv", "broadband", "requires", "魔百和须先有本网宽带。"),
    Relation("broadband", "realname", "requires", "宽带登记在实名号码下。"),
    Relation("voicemail", "roaming", "conflicts_with", "漫游时语音信箱按国际转接收费。"),
    Relation("callfwd", "voicemail", "conflicts_with", "呼转与语音信箱只能开一个。"),
    Relation("roaming", "datapack", "bundles_with", "出境前配流量包。"),
)
REASONS = (
    Reason("roaming_fee", "漫游扣费", "complaint", ("漫游费",), ("roaming",)),
    Reason("bb_fault", "宽带故障", "complaint", ("断网",), ("broadband", "iptv")),
)
LEXICON = (
    LexiconEntry("气死我了", "anger", 5, True),
    LexiconEntry("你们骗人", "distrust", 4),
    LexiconEntry("急着用", "anxiety", 4),
    LexiconEntry("太失望了", "disappointment", 4),
    LexiconEntry("心里难受", "sadness", 3),
    LexiconEntry("搞不懂", "confusion", 3),
    LexiconEntry("太感谢了", "gratitude", 4),
    LexiconEntry("很满意", "satisfaction", 4),
    LexiconEntry("吓一跳", "surprise", 3),
)
SCRIPTS = (
    Script("T1", "reassurance", "*", "anxiety", "动感地带", "*", "*", "别着急，我马上帮您看。"),
    Script("T2", "reassurance", "*", "anger", "全球通", "*", "*", "全球通专席为您负责到底。"),
    Script("T3", "reassurance", "*", "sadness", "神州行", "*", "*", "您别难过，我们一起想办法。"),
    Script("T4", "reassurance", "*", "distrust", "*", "*", "*", "每一笔费用我都给您查清楚。"),
    Script("T5", "empathy", "*", "anxiety", "全球通", "*", "*", "{customer}，我明白您很急。"),
    Script("T6", "closing", "*", "*", "*", "*", "*", "感谢您的来电，再见。"),
)
OPERATIONS = {
    "done": ["已为您开通", "办理好了"],
    "failed": ["办理失败"],
    "confirm_prompts": ["跟您确认：尾号{number}办理{business}，结果{result}，对吗？"],
    "customer_ack": ["对"],
    "customer_reject": ["不对"],
}
ESCALATION = {
    "channels": [
        {
            "code": "miit",
            "label": "工信部申诉（12300）",
            "words": ["工信部", "12300"],
            "advice": "不劝阻，升级。",
        },
        {"code": "cca", "label": "12315／消协", "words": ["消协", "12315"], "advice": "给工单号。"},
        {"code": "media", "label": "媒体曝光", "words": ["找记者"], "advice": "报班长。"},
        {"code": "legal", "label": "律师／起诉", "words": ["起诉"], "advice": "不辩论法律。"},
    ]
}
ADVICE = {"by_category": {"anger": {"high": ["先让客户把话说完"]}}}
CLOSE = [("satisfaction", "gratitude"), ("disappointment", "sadness"), ("anger", "distrust")]


def small_content(**changes) -> Content:
    """The small content set, with any field replaced."""
    content = Content(
        businesses=BUSINESSES,
        relations=RELATIONS,
        moments=(),
        reasons=REASONS,
        lexicon=LEXICON,
        negations=(),
        degrees=(),
        scripts=SCRIPTS,
        advice=ADVICE,
        operations=OPERATIONS,
        escalation=ESCALATION,
    )
    return replace(content, **changes)
