"""The portal's content files: the shipped ones pass and fit the knowledge base; a broken one
is refused naming the file and the entry; an operator's broken edit of the area faults while
moqi runs leaves the last good reading in force."""

import os

import pytest
import yaml

from moqi.channels.portal import content
from moqi.channels.portal.content import PortalContentError, load_faults, load_portal
from moqi.content import load_files


def test_the_shipped_content_passes_and_names_articles_that_exist():
    shipped = content.shipped()
    assert len(shipped.categories) >= 6 and set(shipped.findings) == set(content.FINDING_CODES)
    articles = {a.id for a in load_files().articles}
    named = {w.article for w in shipped.findings.values() if w.article}
    assert named and named <= articles
    assert content.shipped_faults()


def _portal(tmp_path, change) -> str:
    doc = yaml.safe_load(content.PORTAL_FILE.read_text("utf-8"))
    change(doc)
    path = tmp_path / "portal.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(sms="您的验证码为{code}，{minutes}分钟内有效"), "before 验证码"),
        (lambda d: d.update(sms="{code}，请勿告诉他人"), r"\{minutes\}"),
        (lambda d: d["categories"][0].update(reasons=["no_such_reason"]), "unknown reason"),
        (lambda d: d["categories"][1].update(code=d["categories"][0]["code"]), "unique"),
        (lambda d: d["findings"][0].update(severity="urgent"), "severity"),
        (lambda d: d["findings"][3].update(fix="请拨打{hotline}"), "unknown placeholder"),
        (lambda d: d["findings"].pop(), "findings lacks"),
        (lambda d: d["findings"][0].update(code="refund_promised"), "one of"),
        (lambda d: d.update(categories=[]), "non-empty"),
    ],
    ids=[
        "code-after-word",
        "no-minutes",
        "reason",
        "duplicate",
        "severity",
        "placeholder",
        "missing",
        "unknown-code",
        "empty",
    ],
)
def test_a_broken_portal_file_is_refused_naming_the_entry(tmp_path, change, message):
    path = _portal(tmp_path, change)
    with pytest.raises(PortalContentError, match=message) as refused:
        load_portal(path, reasons={"balance_query", "bill_dispute"} | _all_reasons())
    assert str(path) in str(refused.value)


def _all_reasons() -> set[str]:
    from moqi.channels.selfservice_content import reason_moments

    return set(reason_moments())


FAULT = {
    "id": "f1",
    "region": "广东",
    "city": "东莞",
    "service": "broadband",
    "since": "2026-12-07T08:00:00+08:00",
    "until": "2026-12-08T20:00:00+08:00",
    "text": "部分小区宽带线路升级",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"service": "5g"}, "service must be one of"),
        ({"since": "2026-12-07 08:00"}, "time zone"),
        ({"since": "昨天早上"}, "ISO 8601"),
        ({"until": "2026-12-06T20:00:00+08:00"}, "after since"),
        ({"id": "含 空格"}, "unique"),
        ({"text": ""}, "text must be"),
        ({"text": "长" * 201}, "at most 200"),
        ({"region": None}, "region must be"),
    ],
    ids=[
        "service",
        "naive-time",
        "not-a-time",
        "ends-first",
        "bad-id",
        "no-text",
        "long-text",
        "no-region",
    ],
)
def test_a_broken_fault_is_refused_naming_the_file_and_entry(tmp_path, change, message):
    path = tmp_path / "area_faults.yaml"
    path.write_text(
        yaml.safe_dump([FAULT, {**FAULT, "id": "f2", **change}], allow_unicode=True), "utf-8"
    )
    with pytest.raises(PortalContentError, match=message) as refused:
        load_faults(path)
    assert f"{path}: fault 2" in str(refused.value)


def test_a_file_that_is_not_yaml_or_not_a_list_is_refused(tmp_path):
    path = tmp_path / "area_faults.yaml"
    path.write_text("- id: [unclosed", "utf-8")
    with pytest.raises(PortalContentError, match="not valid YAML"):
        load_faults(path)
    path.write_text("id: f1", "utf-8")
    with pytest.raises(PortalContentError, match="a list of faults"):
        load_faults(path)


def test_a_broken_edit_while_running_keeps_the_last_good_faults(tmp_path):
    path = tmp_path / "area_faults.yaml"
    path.write_text(yaml.safe_dump([FAULT], allow_unicode=True), "utf-8")
    assert [f.id for f in content.shipped_faults(path)] == ["f1"]
    path.write_text(yaml.safe_dump([{**FAULT, "service": "5g"}], allow_unicode=True), "utf-8")
    os.utime(path, ns=(1, 10**18))  # a new modification time, as an editor's save gives
    assert [f.id for f in content.shipped_faults(path)] == ["f1"]
    path.write_text(yaml.safe_dump([{**FAULT, "id": "f9"}], allow_unicode=True), "utf-8")
    os.utime(path, ns=(1, 2 * 10**18))
    assert [f.id for f in content.shipped_faults(path)] == ["f9"]
    fresh = tmp_path / "broken.yaml"
    fresh.write_text("- {id: x, service: 5g}", "utf-8")
    with pytest.raises(PortalContentError, match="broken.yaml: fault 1"):
        content.shipped_faults(fresh)  # no good reading yet: the error stands
