"""The semantic stage of knowledge search: a query finds an item that says the same thing in
other words, an exact lexical match stays first, passages are embedded once (then read from
the cache), and without an engine the search goes on with words alone.

The mechanics (fusion, cache, degrading) are checked with a table embedder whose vectors the
test chooses; what multilingual-e5-small itself sees is checked with the bundled model on a
few texts (a fraction of a second)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from moqi.knowledge import semantic
from moqi.knowledge.documents import Doc
from moqi.knowledge.search import KnowledgeIndex
from moqi.knowledge.semantic import (
    E5Embedder,
    EmbeddingCache,
    TooMany,
    VectorMemory,
    eligible,
    fuse,
)


class TableEmbedder:
    """A text's vector is that of the first marker it contains (else `other`); counts calls."""

    name = "table"

    def __init__(self, table: dict[str, list[float]], other: list[float]):
        self.table = {k: _unit(v) for k, v in table.items()}
        self.other = _unit(other)
        self.passages_embedded = 0
        self.queries_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        return next((v for k, v in self.table.items() if k in text), self.other)

    def query(self, text: str) -> np.ndarray:
        self.queries_embedded += 1
        return self._vector(text)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts])


class BrokenEmbedder(TableEmbedder):
    def query(self, text: str) -> np.ndarray:
        raise RuntimeError("engine gone")


def _unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


DOCS = [
    Doc("roaming", "article", "境外漫游", "赴海外前开启跨境通话与数据服务，落地后自动连接当地网络"),
    Doc(
        "coverage", "article", "手机信号覆盖", "家里手机没信号、信号差，请提交网络投诉单，安排路测"
    ),
    Doc("numbers", "article", "手机靓号", "选号、靓号预约与号码资费"),
    Doc("password", "article", "服务密码重置", "忘记服务密码可凭身份证到营业厅重置"),
    # Items far from every query below, so the best few stand out as in a real knowledge base.
    *(Doc(f"fibre{i}", "article", f"宽带套餐{i}", "宽带提速与套餐资费说明") for i in range(30)),
]


def _index(embedder, memory=None, directory=None) -> KnowledgeIndex:
    index = KnowledgeIndex.from_docs(DOCS)
    index.add_semantic(embedder, EmbeddingCache(directory, memory or VectorMemory()))
    return index


def _roaming_embedder() -> TableEmbedder:
    # 出国 and 漫游 are one need; 没信号 at home is another; the rest is far from both.
    return TableEmbedder(
        {
            "出国": [1, 0.1, 0, 0],
            "漫游": [1, 0, 0, 0],
            "没信号": [0.3, 1, 0, 0],
            "密码": [0, 0, 1, 0],
        },
        other=[0, 0, 0.1, 1],
    )


def test_a_paraphrase_with_no_word_in_common_is_found():
    query = "出国了手机没信号怎么办"
    assert not set(query) & set("境外漫游" + DOCS[0].text)  # not one character shared
    lexical = KnowledgeIndex.from_docs(DOCS).search(query, k=4)
    assert lexical and "roaming" not in [h.id for h in lexical]
    ranked = [h.id for h in _index(_roaming_embedder()).search(query, k=4)]
    # Found, and above 手机靓号, which shares 手机 and 号 with the query but not its need (the
    # coverage article shares the words and a need, 没信号, and is the strong lexical best).
    assert ranked[:2] == ["coverage", "roaming"] and ranked.index("numbers") > 1


def test_a_query_nothing_shares_a_character_with_stays_a_miss():
    # Gaps (usage.py) are searches with no hit; meaning alone does not fill one.
    index = _index(_roaming_embedder())
    assert index.search("出国旅游攻略", k=4)  # 出国 is not in any item, 游 is
    assert index.search("雪山滑冰", k=4) == []


def test_a_strong_lexical_match_stays_first():
    # The semantic stage prefers the roaming passage for 手机信号覆盖, but the item titled with
    # exactly those words is the best in all three lexical fields, and stays first.
    embedder = TableEmbedder({"漫游": [1, 0, 0], "信号": [0, 1, 0]}, other=[0, 0, 1])
    embedder.table["手机信号覆盖"] = _unit([1, 0, 0])  # the query reads like roaming
    index = _index(embedder)
    lexical = KnowledgeIndex.from_docs(DOCS).search("手机信号覆盖", k=4)
    assert lexical[0].id == "coverage" and lexical[0].score >= semantic.STRONG
    assert index.search("手机信号覆盖", k=4)[0].id == "coverage"


def test_fusion_lifts_a_close_second_but_not_past_a_strong_first():
    lexical = np.array([3.0, 2.0, 0.5, 0.0], dtype=np.float32)
    similarity = np.array([0.80, 0.92, 0.91, 0.79], dtype=np.float32)
    fused = fuse(lexical, similarity, None)
    assert fused.argsort()[::-1].tolist()[:3] == [0, 1, 2]
    weak = fuse(lexical * 0.8, similarity, None)  # the same order, but no field's best
    assert weak.argsort()[::-1].tolist()[:2] == [1, 0]


def test_fusion_keeps_filtered_out_items_out():
    lexical = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    mask = np.array([1, 1, 0], dtype=np.float32)
    fused = fuse(lexical, np.array([0.5, 0.8, 0.99], dtype=np.float32), mask)
    assert fused[2] == 0 and fused[1] > 0


def test_filters_apply_to_semantic_hits():
    index = _index(_roaming_embedder())
    assert "roaming" in [h.id for h in index.search("出国了手机没信号", k=4, kind="article")]
    assert index.search("出国了手机没信号", k=4, kind="script") == []


def test_a_second_build_embeds_nothing(tmp_path):
    tmp_path = tmp_path / "cache"
    embedder = _roaming_embedder()
    memory = VectorMemory()
    _index(embedder, memory, tmp_path)
    assert embedder.passages_embedded == len(DOCS)
    _index(embedder, memory, tmp_path)  # the same process: from memory
    _index(embedder, VectorMemory(), tmp_path)  # a restart: from the shards on disk
    assert embedder.passages_embedded == len(DOCS)
    assert sorted(p.name.split(".", 1)[1] for p in tmp_path.iterdir()) == [
        "keys.npy",
        "vecs.npy",
    ]


def test_a_changed_passage_is_the_only_one_embedded(tmp_path):
    embedder = _roaming_embedder()
    _index(embedder, directory=tmp_path)
    changed = KnowledgeIndex.from_docs(
        [*DOCS[:3], Doc("password", "article", "服务密码重置", "可在APP上重置服务密码"), *DOCS[4:]]
    )
    changed.add_semantic(embedder, EmbeddingCache(tmp_path, VectorMemory()))
    assert embedder.passages_embedded == len(DOCS) + 1


def test_too_many_new_passages_is_an_error_before_any_is_embedded():
    embedder = _roaming_embedder()
    index = KnowledgeIndex.from_docs(DOCS)
    with pytest.raises(TooMany, match=f"^{len(DOCS)} passages to embed \\(at most 33\\)"):
        index.add_semantic(embedder, EmbeddingCache(None, VectorMemory()), limit=len(DOCS) - 1)
    assert embedder.passages_embedded == 0 and index.semantic is None


def test_an_unreadable_cache_directory_costs_an_embedding_not_the_search(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    index = _index(_roaming_embedder(), directory=blocked / "cache")
    assert index.search("出国了手机没信号", k=2)


def test_a_failing_query_embedding_leaves_the_lexical_ranking():
    broken = BrokenEmbedder({"漫游": [1, 0]}, other=[0, 1])
    index = _index(broken)
    assert [h.id for h in index.search("手机没信号", k=4)] == [
        h.id for h in KnowledgeIndex.from_docs(DOCS).search("手机没信号", k=4)
    ]


@pytest.mark.parametrize(
    ("query", "goes"),
    [("漫游", True), ("出國", True), ("5g套餐", True), ("漫", False), ("10086", False),
     ("１００８６", False), ("manyou", False), (" 漫 ", False), ("", False)],
)  # fmt: skip
def test_which_queries_go_through_the_semantic_stage(query, goes):
    assert eligible(query) is goes


def test_short_queries_and_numbers_are_not_embedded():
    embedder = _roaming_embedder()
    index = _index(embedder)
    index.search("码", k=3)
    index.search("10086", k=3)
    assert embedder.queries_embedded == 0
    index.search("出国漫游", k=3)
    index.search("出国漫游", k=3)  # asked again: the cached vector
    assert embedder.queries_embedded == 1


# ---- the bundled model itself -------------------------------------------------------------


@pytest.fixture(scope="module")
def e5():
    problem = semantic.engine_problem()
    if problem:
        pytest.fail(f"the bundled embedding engine does not load: {problem}")
    return E5Embedder()


def test_e5_sees_roaming_in_going_abroad(e5):
    passages = e5.passages(
        [
            semantic.passage_text("国际漫游", "出境前开通国际漫游，境外也能打电话、上网"),
            semantic.passage_text("服务密码重置", "忘记服务密码可凭身份证到营业厅重置"),
        ]
    )
    query = e5.query("出国旅游要开什么业务才能打电话")
    roaming, password = passages @ query
    assert roaming > password + 0.02


def test_traditional_characters_embed_as_simplified(e5):
    index = KnowledgeIndex.from_docs(DOCS)
    index.add_semantic(e5, EmbeddingCache(None, VectorMemory()))
    assert index.semantic is not None
    simplified = index.semantic.query_vector("出国了手机没信号怎么办").result()
    traditional = index.semantic.query_vector("出國了手機沒信號怎麼辦").result()
    assert np.allclose(simplified, traditional)
    assert [h.id for h in index.search("出國了手機沒信號怎麼辦", k=3)] == [
        h.id for h in index.search("出国了手机没信号怎么办", k=3)
    ]
