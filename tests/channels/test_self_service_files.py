"""Self-service content files refused with the reason when broken: a minimal commands or paths
file loads; duplicate codes, clashing TD+code commands, unknown reasons, counted-twice uptakes
and missing or malformed files are named."""

import re
from pathlib import Path

import pytest
import yaml

from moqi.channels.selfservice import (
    COMMANDS_FILE,
    PATHS_FILE,
    SelfServiceError,
    load_commands,
    load_paths,
    reason_moments,
    uptake_of,
)
from moqi.content.reading import DATA_DIR
from moqi.errors import Invalid

REASONS = reason_moments()
COMMANDS = load_commands()


# -- loader errors ------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, doc: object) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


def _commands_doc(**changes: object) -> dict:
    entry = {
        "code": "CXHF",
        "aliases": ["查话费"],
        "reason": "balance_query",
        "answer": "{title}您好，请发送CXHF到10086查询。[您的套餐是{plan}。]",
    }
    entry.update(changes)
    return {"signature": "【演示】", "commands": [{k: v for k, v in entry.items() if v is not ...}]}


def test_a_minimal_commands_file_loads(tmp_path):
    (command,) = load_commands(_write(tmp_path, "c.yaml", _commands_doc()), REASONS)
    assert command.code == "CXHF" and command.aliases == ("查话费",)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"reason": "no_such_reason"}, "unknown reason 'no_such_reason'"),
        ({"reason": ...}, "unknown reason None"),
        ({"answer": "{title}您好，{balance}元"}, r"unknown placeholder \{balance\}"),
        ({"answer": "{title}您好，您的套餐是{plan}"}, r"\{plan\} may be unknown"),
        ({"answer": "{title}您好[，{plan}"}, "unbalanced"),
        ({"answer": "{title}您好{"}, "unbalanced"),
        ({"answer": "{title}您好[，谢谢]"}, "no placeholder"),
        ({"answer": "{title}您好[退订{code}]"}, "only for a command with takes_code"),
        ({"answer": "话" * 200}, "can reach"),
        ({"answer": ""}, "answer is missing"),
        ({"code": "CX HF"}, "as sent"),
        ({"code": 0}, "code is missing"),
        ({"aliases": ["查话费", "查話費"]}, "already command 1"),  # same after normalising
        ({"aliases": ["cxhf"]}, "already command 1"),
        ({"aliases": "查话费"}, "list of non-empty strings"),
        ({"alias": ["查话费"]}, "unknown field"),
        ({"takes_code": "yes"}, "true or false"),
        ({"takes_code": True}, "no aliases"),
    ],
)
def test_broken_commands_are_refused(tmp_path, changes, words):
    path = _write(tmp_path, "broken.yaml", _commands_doc(**changes))
    with pytest.raises(SelfServiceError, match=words) as e:
        load_commands(path, REASONS)
    assert str(path) in str(e.value) and "command 1 (" in str(e.value)
    assert isinstance(e.value, Invalid)


def test_a_duplicate_code_across_entries_is_refused(tmp_path):
    doc = _commands_doc()
    doc["commands"].append({**doc["commands"][0], "aliases": []})
    path = _write(tmp_path, "dup.yaml", doc)
    with pytest.raises(SelfServiceError, match=r"command 2 \(CXHF\).*already command 1"):
        load_commands(path, REASONS)


def test_a_code_that_reads_as_td_plus_code_is_refused(tmp_path):
    doc = _commands_doc(
        code="TD", aliases=..., takes_code=True, reason="vas_cancel", answer="[TD{code}]请退订"
    )
    doc["commands"].append(_commands_doc(code="TDX", aliases=[])["commands"][0])
    with pytest.raises(SelfServiceError, match="reads as TD"):
        load_commands(_write(tmp_path, "td.yaml", doc), REASONS)


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ("[1, 2]", "expected signature"),
        ("signature: 【演示】\n", "expected signature"),
        ("signature: moqi\ncommands: []\n", "signature 'moqi'"),
        ("signature: 【演示】\ncommands: []\n", "no commands"),
        ("commands: [\n", "not valid YAML"),
    ],
)
def test_broken_commands_files_are_refused(tmp_path, doc, words):
    path = tmp_path / "c.yaml"
    path.write_text(doc, "utf-8")
    with pytest.raises(SelfServiceError, match=re.escape(words)):
        load_commands(path, REASONS)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(SelfServiceError, match="missing"):
        load_commands(tmp_path / "absent.yaml", REASONS)


def _paths_doc(**changes: object) -> dict:
    entry = {
        "reason": "balance_query",
        "sms": "CXHF",
        "app": "中国移动App→首页“话费”",
        "wechat": {"menu": "自助服务→查话费", "key": "balance"},
        "offer": "以后发送CXHF到10086就能随时查话费。",
        "uptake": {"sms": ["CXHF"], "wechat": ["balance"]},
    }
    entry.update(changes)
    return {"paths": [{k: v for k, v in entry.items() if v is not ...}]}


def test_a_minimal_paths_file_loads(tmp_path):
    paths = load_paths(_write(tmp_path, "p.yaml", _paths_doc()), COMMANDS, REASONS)
    assert uptake_of("text", "cxhf", paths) == "balance_query"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"reason": "bill_dispute"}, "complaint is never"),
        ({"reason": "no_such"}, "unknown reason"),
        ({"sms": "CXYE"}, "not a command"),
        ({"offer": ""}, "offer"),
        ({"offer": "话" * 61}, "at most 60"),
        ({"offer": "{title}您好"}, "plain words"),
        ({"wechat": {"menu": "查话费", "key": "查话费"}}, "wechat key"),
        ({"wechat": "查话费"}, "wechat must be"),
        ({"uptake": {"sms": ["CXLL"]}}, "answers data_usage_query"),
        ({"uptake": {"sms": ["NOPE"]}}, "not a command"),
        ({"uptake": {"sms": ["CXHF"]}}, "not counted"),
        ({"uptake": {"phone": ["x"]}}, "uptake must be"),
        ({"sms": ..., "app": ..., "wechat": ..., "uptake": ...}, "no path"),
        ({"web": "x"}, "unknown field"),
    ],
)
def test_broken_paths_are_refused(tmp_path, changes, words):
    path = _write(tmp_path, "p.yaml", _paths_doc(**changes))
    with pytest.raises(SelfServiceError, match=words) as e:
        load_paths(path, COMMANDS, REASONS)
    assert str(path) in str(e.value) and "path 1 (" in str(e.value)


def test_a_reason_or_an_uptake_counted_twice_is_refused(tmp_path):
    doc = _paths_doc()
    doc["paths"].append(dict(doc["paths"][0]))
    with pytest.raises(SelfServiceError, match="listed twice"):
        load_paths(_write(tmp_path, "twice.yaml", doc), COMMANDS, REASONS)
    doc["paths"][1] = {
        "reason": "plan_info",
        "app": "x",
        "offer": "y",
        "uptake": {"wechat": ["balance"]},
    }
    with pytest.raises(SelfServiceError, match="already counts for balance_query"):
        load_paths(_write(tmp_path, "twice.yaml", doc), COMMANDS, REASONS)


def test_the_shipped_files_are_the_defaults():
    assert COMMANDS_FILE.is_file() and PATHS_FILE.is_file()
    assert COMMANDS_FILE.parent == PATHS_FILE.parent == DATA_DIR / "channels"
