"""Three-way confirmation of a report of several operations, and the customer's answer to it."""

import pytest

from moqi.assist import AssistSession

ELDER = {"title": "李阿姨", "brand": "神州行", "phone_masked": "138****1005"}
REPORT = (
    "李阿姨，已经为您办理成功了。我跟您说一下：第一，“每日健康资讯”业务已经退订了；第二，代收费功能已经关闭了；"
    "办理的号码是您尾号1005的这个号码，都办成功了。20块钱的退费申请也提交了，3到5个工作日退到您的话费里。"
)


def reported(engine, report=REPORT):
    s = AssistSession(customer=ELDER, engine=engine)
    s.feed("customer", "我这个电话费怎么又多扣了十块钱啊，说是啥子代收费，我啥子都没订啊")
    s.feed("customer", "好好好，都给我关了，扣的钱要退给我")
    return s, s.feed("agent", report)


def test_each_operation_of_a_report_is_read_back(engine):
    s, done = reported(engine)
    c = done.confirmation
    assert [op["name"] for op in c["operations"]] == [
        "退订每日健康资讯",
        "关闭短信代收费",
        "退费申请",
    ]
    assert [op["code"] for op in c["operations"]] == [None, "sp_sms_billing", "pay_refund"]
    assert c["success"] is True and c["number"] == "尾号1005"
    assert c["items"][0]["value"] == "退订每日健康资讯、关闭短信代收费、退费申请"
    assert "退订每日健康资讯、关闭短信代收费、退费申请" in c["prompt"] and "1005" in c["prompt"]
    read_back = [x["text"] for x in done.scripts if x["kind"] == "confirmation"]
    assert read_back and "关闭短信代收费" in read_back[0], read_back


def test_a_report_with_one_failed_operation_says_which(engine):
    _, done = reported(
        engine, "第一，“每日健康资讯”业务已经退订了；第二，代收费功能关闭失败，系统提示不能。"
    )
    c = done.confirmation
    assert [(op["name"], op["success"]) for op in c["operations"]] == [
        ("退订每日健康资讯", True),
        ("短信代收费", False),
    ]
    assert c["success"] is False
    assert c["items"][2]["value"] == "退订每日健康资讯成功；短信代收费未成功"


def test_a_report_of_one_operation_reads_back_as_before(engine):
    s = AssistSession(customer=ELDER, engine=engine)
    s.feed("customer", "给我加一个流量包")
    c = s.feed("agent", "好的，流量包已经为您办理成功了。办理的号码是尾号1005。").confirmation
    assert [op["name"] for op in c["operations"]] == [c["business"]["name"]] and c["items"][2][
        "value"
    ] == "成功"


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("听清楚了，退订了，关了，钱会退回来，是不是？", "confirmed"),
        ("要得要得，姑娘你说话慢，我听得懂，谢谢你哈。", "confirmed"),
        ("对", "confirmed"),
        ("不对，我没让你关代收费，我只要退订那个资讯", "disputed"),
        ("不好意思，我没听清，你再说一遍", "pending"),
        # A longer reply whose first clause is not an answer says nothing of the read-back.
        ("信号已好，但是乱扣我流量的问题尚未解决，这是偷流量", "pending"),
        ("我想问一下那个退费是退到哪里，是退到话费里吗", "pending"),
        # "对了，…" turns to another matter: its 对 answers nothing.
        ("对了 我这个月流量还剩多少啊", "pending"),
    ],
)
def test_the_customers_answer_to_the_read_back(engine, answer, status):
    s, _ = reported(engine)
    assert s.feed("customer", answer).confirmation["status"] == status


def test_a_disputed_read_back_asks_for_the_apology_that_sets_it_right_not_a_closing(engine):
    s = AssistSession(customer={"phone_masked": "138****1001"}, engine=engine)
    s.feed("customer", "给我加一个流量包")
    s.feed("agent", "好的，流量包已经为您办理成功了")
    disputed = s.feed("customer", "不对，我要的是语音包不是流量包")
    assert disputed.confirmation["status"] == "disputed"
    kinds = [x["kind"] for x in disputed.scripts]
    assert "closing" not in kinds and "confirmation" not in kinds, disputed.scripts
    first = disputed.scripts[0]
    assert first["kind"] == "apology" and "条件：客户对复述有异议" in first["why"], first
    # Still wanted on the next turns, until the agent reports the operation again.
    assert any(
        "客户对复述有异议" in x["why"] for x in s.feed("agent", "非常抱歉，我马上帮您核实").scripts
    )
    redone = s.feed("agent", "好的，通话包已经为您办理成功了。")
    assert (
        redone.confirmation["status"] == "pending"
        and redone.confirmation["business"]["name"] == "通话分钟包"
    )
    assert redone.scripts[0]["kind"] == "confirmation"
    assert not any("客户对复述有异议" in x["why"] for x in redone.scripts)


def test_a_customer_who_did_not_catch_the_read_back_hears_it_again(engine):
    s, _ = reported(engine)
    again = s.feed("customer", "不好意思，我没听清，你再说一遍")
    assert again.confirmation["status"] == "pending"
    assert again.scripts[0]["kind"] == "confirmation", again.scripts
    assert s.feed("agent", "好的阿姨，我再说一遍").scripts[0]["kind"] == "confirmation"
    # Talked past without asking again, the read-back gives way.
    assert s.feed("customer", "那我以后还会不会被扣这种钱").scripts[0]["kind"] != "confirmation"


def test_an_application_filed_is_read_back_as_the_application(engine):
    s = AssistSession(customer={"phone_masked": "138****1001"}, engine=engine)
    s.feed("customer", "我这个月流量超了扣了我九十六，给我办个流量包，超的钱能不能减免")
    c = s.feed(
        "agent",
        "已经为您办理成功，业务是30元20GB流量月包；另外48元流量费减免申请也已经提交，预计3个工作日内返还。",
    ).confirmation
    assert [op["name"] for op in c["operations"]][-1] == "流量费减免申请", c["operations"]
    assert "提交" not in c["items"][0]["value"]


@pytest.mark.parametrize(
    ("asked", "report", "operations"),
    [
        # Two operations in one sentence, the second without 已经.
        (
            "给我加个语音包，把流量包退了",
            "语音包已经为您办理成功了，流量包也帮您退订了",
            [("办理通话分钟包", True), ("退订流量包", True)],
        ),
        (
            "给我加个语音包，把流量包退了",
            "语音包已经办理成功了，但是流量包退订失败了，系统提示合约期内不能退",
            [("办理通话分钟包", True), ("流量包", False)],
        ),
        # A generic word the call has resolved names the second ("日包" in a roaming call).
        (
            "我下周去日本，要开漫游",
            "已经为您开通了国际漫游，日本流量日包也开好了，明天零点生效",
            [("开通国际及港澳台漫游", True), ("漫游日包", True)],
        ),
        # Businesses joined by 和 in the clause that says the outcome were all done …
        (
            "给我加个语音包和流量包",
            "语音包和流量包都已经为您办理成功了",
            [("办理通话分钟包", True), ("办理流量包", True)],
        ),
        # … but not when another clause says the outcome of one of them, which is the one done.
        (
            "给我加个流量包",
            "语音包和流量包只能选一个，流量包已经为您办理成功了",
            [("流量包", True)],
        ),
        (
            "给我加个语音包",
            "语音包和流量包只能二选一，已经为您办理了语音包",
            [("通话分钟包", True)],
        ),
        # A business and its outcome in two clauses are one operation, whichever comes first.
        ("给我加个流量包", "您的流量包，已经办理成功了", [("流量包", True)]),
        (
            "给我加个流量包",
            "好的，流量包已经为您办理成功了，下个月1号生效，超出部分按3元每GB收费",
            [("流量包", True)],
        ),
    ],
)
def test_each_clause_of_a_sentence_that_reports_an_operation_is_read_back(
    engine, asked, report, operations
):
    s = AssistSession(customer={"phone_masked": "138****1001"}, engine=engine)
    s.feed("customer", asked)
    c = s.feed("agent", report).confirmation
    assert [(op["name"], op["success"]) for op in c["operations"]] == operations
    assert c["success"] is all(ok for _, ok in operations)


@pytest.mark.parametrize(
    ("asked", "answer", "status"),
    [
        ("请问没有问题吧？", "没有啦", "confirmed"),
        ("如果有不对的地方请您直接告诉我。", "没有没有", "confirmed"),
        ("请问没有问题吧？", "没有，谢谢你啊", "confirmed"),
        # To "对吗" a bare 没有 is no answer; nor is it to "还有没有问题" (anything else?).
        ("您看对吗？", "没有啦", "pending"),
        ("您还有没有问题？", "没有", "pending"),
        # A no that goes on to say what is wrong is not a yes.
        ("请问没有问题吧？", "没有，我要的是语音包", "pending"),
    ],
)
def test_no_answers_a_read_back_that_asks_whether_anything_is_wrong(engine, asked, answer, status):
    s = AssistSession(customer={"phone_masked": "138****1001"}, engine=engine)
    s.feed("customer", "给我加个流量包")
    s.feed("agent", "好的，流量包已经为您办理成功了。" + asked)
    assert s.feed("customer", answer).confirmation["status"] == status
