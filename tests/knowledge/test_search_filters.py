"""Search filters: kind, business, brand, region and validity, applied before the top k."""

from datetime import date

import pytest

from moqi.content import load_files
from moqi.knowledge.documents import Doc
from moqi.knowledge.search import KnowledgeIndex, UnknownFilter

DOCS = [
    Doc("general", "script", "通用", "国际漫游开通后即时生效"),
    Doc(
        "gotone",
        "script",
        "全球通",
        "国际漫游开通后即时生效，全球通专席优先办理",
        brands=("全球通",),
    ),
    Doc(
        "mzone",
        "script",
        "动感地带",
        "国际漫游开通后即时生效，动感地带客户可订日包",
        brands=("动感地带",),
    ),
    Doc(
        "gd",
        "article",
        "广东",
        "国际漫游在广东营业厅也可办理",
        regions=("广东",),
        businesses=("intl_roaming",),
    ),
    Doc(
        "summer",
        "article",
        "暑期",
        "国际漫游暑期优惠",
        valid_from=date(2026, 7, 1),
        valid_to=date(2026, 8, 31),
    ),
    Doc("open", "article", "长期", "国际漫游资费说明", valid_from=date(2026, 1, 1)),
    Doc("bb", "business", "宽带", "宽带报修", businesses=("bb_repair",)),
]


@pytest.fixture(scope="module")
def index():
    return KnowledgeIndex.from_docs(DOCS)


def ids(hits):
    return {h.id for h in hits}


def test_an_empty_facet_applies_to_every_value(index):
    # A script for all brands is right for a 全球通 customer; one for 动感地带 is not.
    assert ids(index.search("国际漫游", brand="全球通")) == {
        "general",
        "gotone",
        "gd",
        "summer",
        "open",
    }


def test_region_and_business(index):
    assert "gd" not in ids(index.search("国际漫游", region="北京"))
    assert "gd" in ids(index.search("国际漫游", region="广东"))
    assert "gd" not in ids(index.search("国际漫游", business="bb_repair"))
    assert "gd" in ids(index.search("国际漫游", business="intl_roaming"))


@pytest.mark.parametrize(
    ("day", "summer", "open_ended"),
    [
        (date(2025, 12, 31), False, False),
        (date(2026, 1, 1), False, True),  # valid_from is inclusive
        (date(2026, 7, 1), True, True),
        (date(2026, 8, 31), True, True),  # valid_to is inclusive
        (date(2026, 9, 1), False, True),
    ],
)
def test_validity(index, day, summer, open_ended):
    found = ids(index.search("国际漫游", valid_on=day))
    assert ("summer" in found, "open" in found) == (summer, open_ended)
    assert "general" in found  # no dates: always valid


def test_filters_combine(index):
    assert ids(index.search("国际漫游", kind="script", brand="动感地带")) == {"general", "mzone"}


def test_filtering_never_loses_results():
    # 200 scripts match the query far better than the one article; asking for one article
    # must still find it (the filter masks scores before the top k are taken).
    docs = [Doc(f"s{i}", "script", "", "宽带故障报修宽带故障报修") for i in range(200)]
    docs.append(Doc("a", "article", "", "家里网络断了，宽带需要上门检查"))
    hits = KnowledgeIndex.from_docs(docs).search("宽带故障报修", k=1, kind="article")
    assert [h.id for h in hits] == ["a"]


def test_an_unknown_business_is_refused(index):
    with pytest.raises(UnknownFilter, match="未知业务"):
        index.search("国际漫游", business="no_such_business")


def test_shipped_content_filters_by_code_or_name():
    index = KnowledgeIndex(load_files())
    by_code = index.search("出国漫游", k=20, business="intl_roaming", brand="全球通")
    assert by_code and [h.id for h in by_code] == [
        h.id for h in index.search("出国漫游", k=20, business="国际及港澳台漫游", brand="全球通")
    ]
    docs = {d.id: d for d in index.docs}
    for hit in by_code:
        assert not docs[hit.id].businesses or "intl_roaming" in docs[hit.id].businesses
        assert not docs[hit.id].brands or "全球通" in docs[hit.id].brands
