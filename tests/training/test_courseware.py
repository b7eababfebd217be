"""Courseware built from a small content set: every course is made, each says which content it
came from, a content edit changes the course it touches (and its fingerprint), the peak-end
prose splits into its sections, and call excerpts are picked by the lexicon's words."""

from __future__ import annotations

from dataclasses import replace

from moqi.content import Relation
from moqi.training import courseware
from moqi.training.printing import course_html
from moqi.training.services import _prose
from tests.training.small_content import small_content

PROSE = "# 标题\n\n导言一段。\n\n## 第一节\n\n正文甲。\n\n## 第二节\n\n- 要点\n"


def _text(course: courseware.Course) -> str:
    return "\n".join(f"{s.heading}\n{s.markdown}" for s in course.sections)


def _built(content, **kw):
    return {c.key: c for c in courseware.build_courses(content, revision=7, prose=PROSE, **kw)}


def test_every_course_is_built_and_names_its_revision():
    built = _built(small_content())
    assert list(built) == list(courseware.COURSES)
    assert {c.revision for c in built.values()} == {7}
    assert len({c.fingerprint for c in built.values()}) == 1
    assert "依据内容修订版 7" in courseware.course_markdown(built["scripts"])


def test_the_courses_hold_the_content_they_were_built_from():
    built = _built(small_content())
    assert "魔百和" in _text(built["business_map"]) and "魔百和须先有本网宽带" in _text(
        built["business_map"]
    )
    assert "前置条件" in _text(built["business_map"])
    assert "别着急，我马上帮您看。" in _text(built["scripts"])
    assert "气死我了（5）" in _text(built["emotions"])
    assert "先让客户把话说完" in _text(built["emotions"])
    assert "已为您开通" in _text(built["confirmation"])
    assert "尾号1234办理国际漫游，结果成功" in _text(built["confirmation"])
    assert "工信部申诉（12300）" in _text(built["escalation"])


def test_a_content_edit_changes_the_course_and_its_fingerprint():
    before = _built(small_content())
    content = small_content(
        relations=(
            *small_content().relations,
            Relation("datapack", "realname", "requires", "须实名。"),
        )
    )
    after = _built(content)
    assert after["business_map"].fingerprint != before["business_map"].fingerprint
    assert _text(after["business_map"]) != _text(before["business_map"])
    assert _text(after["scripts"]) == _text(before["scripts"])


def test_the_peak_end_prose_splits_into_sections():
    title, sections = courseware.split_prose(PROSE)
    assert title == "标题"
    assert [s.heading for s in sections] == ["导言", "第一节", "第二节"]
    shipped_title, shipped = courseware.split_prose(_prose())
    assert shipped_title == "峰终定律与服务关键时刻" and len(shipped) >= 5
    assert any("三维确认" in s.markdown for s in shipped)


def test_excerpts_are_picked_by_the_lexicon_longest_word_first():
    content = small_content(negations=("没有",))
    lines = [
        "我没有气死我了的意思",
        "真是气死我了",
        "真是气死我了",
        "我很满意，太感谢了你们",
        "普通的一句话",
        "x" * 200,
    ]
    found = courseware.pick_excerpts(content, lines, per_emotion=2)
    assert found == {
        "anger": [("气死我了", "真是气死我了")],
        "gratitude": [("太感谢了", "我很满意，太感谢了你们")],
    }
    built = _built(content, excerpts=found)
    assert "> “真是气死我了”（关键词：气死我了）" in _text(built["emotions"])


def test_table_cells_keep_their_pipes_out_and_html_is_never_run():
    script = replace(small_content().scripts[0], text="<script>alert(1)</script>|好")
    built = _built(small_content(scripts=(script,)))
    assert "<script>alert(1)</script>｜好" in _text(built["scripts"])
    page = course_html(built["scripts"])
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_course_round_trips_through_its_stored_form():
    course = _built(small_content())["emotions"]
    assert courseware.Course.from_dict(course.as_dict()) == course
