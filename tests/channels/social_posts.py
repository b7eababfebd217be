"""Social posts as a listening tool reports them, shared by the social tests: Weibo-style
samples (angry, a fault, a threat, a rally, a question, praise, sarcasm, personal numbers)."""

import json
import re
from datetime import timedelta, timezone

from moqi.channels.selfservice import reason_moments
from moqi.channels.social import (
    SocialPost,
    load_templates,
    parse_webhook,
)

BEIJING = timezone(timedelta(hours=8))
REASONS = reason_moments()
TEMPLATES = load_templates()
PHONE = "13812345678"
ID_CARD = "441900199001011234"
# Anything that reads as a mainland mobile or an ID-card number, however it is written.
_PERSONAL = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]")

# Weibo-style posts as a listening tool reports them.
ANGRY_BILL = {
    "platform": "weibo",
    "post_id": "4987654321098765",
    "author": "北漂小周",
    "text": "@中国移动 又乱扣费！这个月莫名其妙多扣了58块，打10086转了半天人工也没人管，太坑了",
    "url": "https://weibo.com/5678123456/Nabc123",
    "posted_at": "2026-03-01T09:30:00+08:00",
    "reposts": 3,
    "comments": 12,
    "likes": 40,
    "followers": 860,
}
BROADBAND = {
    **ANGRY_BILL,
    "post_id": "4987654321098766",
    "author": "朝阳区打工人",
    "text": "#宽带报修# 宽带报修三天了没人来，天天说师傅在路上，在家办公全靠它，你们到底管不管？",
    "reposts": 0,
    "comments": 1,
    "likes": 2,
    "followers": 150,
}
THREAT = {
    **ANGRY_BILL,
    "post_id": "4987654321098767",
    "author": "维权的老李",
    "text": "再不给我解决我就投诉到工信部，12300见！已经打了五次客服了",
}
RALLY = {
    **ANGRY_BILL,
    "post_id": "4987654321098768",
    "author": "避坑小能手",
    "text": "转发求扩散！大家千万别办他们家的宽带，装了一个月天天断网，一起投诉",
    "reposts": 0,
    "comments": 0,
    "likes": 1,
    "followers": 35,
}
QUESTION = {
    **ANGRY_BILL,
    "post_id": "4987654321098769",
    "author": "学生党阿青",
    "text": "请问一下5G套餐能不能改成低一档的？在App上没找到入口",
}
PRAISE = {
    **ANGRY_BILL,
    "post_id": "4987654321098770",
    "author": "开心的小樱桃",
    "text": "今天营业厅的小姐姐态度超好，帮我把套餐调好了，点赞！",
}
SARCASM = {
    **ANGRY_BILL,
    "post_id": "4987654321098771",
    "author": "无语的网友",
    "text": "呵呵 真行，交了钱网速还不如2G",
}
PERSONAL = {
    **ANGRY_BILL,
    "post_id": "4987654321098772",
    "author": f"用户{PHONE}",
    "text": f"我的号码{PHONE}突然被停机了，身份证{ID_CARD}都验证过了，到底怎么回事",
}


def body(doc: dict, **changes: object) -> bytes:
    merged = {**doc, **changes}
    return json.dumps(
        {k: v for k, v in merged.items() if v is not ...}, ensure_ascii=False
    ).encode()


def post_of(doc: dict, **changes: object) -> SocialPost:
    return parse_webhook(body(doc, **changes))
