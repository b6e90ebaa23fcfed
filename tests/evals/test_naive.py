from evals.corpus import CorpusDoc
from evals.naive import NaiveChromaRetriever, split_naive

DOCS = [
    CorpusDoc("d1", "粮食", "全市粮食总产量达到120万吨，比上年增长5%。"),
    CorpusDoc("d2", "党建", "机关党建工作围绕中心、建设队伍、服务群众。"),
    CorpusDoc("d3", "天气", "今年夏季天气晴朗，降雨偏少，气温偏高。"),
    CorpusDoc("x", "binary", None),
]


def test_default_splitter_keeps_short_docs_whole_and_splits_long_ones():
    long_doc = CorpusDoc("long", "", "\n\n".join(["段落" * 600] * 3))  # 3 × 1,200 chars
    chunks = split_naive([*DOCS, long_doc])
    assert [c[0] for c in chunks[:3]] == ["d1:0", "d2:0", "d3:0"]
    long_ids = [c[0] for c in chunks if c[1] == "long"]
    # 3,600 chars + separators fit under 4,000 → one chunk; the tutorial defaults apply.
    assert long_ids == ["long:0"]
    very_long = CorpusDoc("vl", "", "\n\n".join(["段落" * 1500] * 2))
    assert [c[0] for c in split_naive([very_long])] == ["vl:0", "vl:1"]


def test_naive_retrieves_by_own_vectors_and_reuses_the_collection(tmp_path, fake_embedder):
    embedder = fake_embedder
    retriever = NaiveChromaRetriever(DOCS, embedder, tmp_path / "naive")
    assert retriever.n_chunks == 3 and retriever.skipped == 1
    hits = retriever.retrieve("机关党建工作围绕中心", k=2)
    assert [h.metadata["source_id"] for h in hits][0] == "d2"
    assert hits[0].score >= hits[1].score
    passage_calls = [c for c in embedder.calls if not c[1]]
    assert passage_calls == [(3, False)]
    again = type(fake_embedder)()
    NaiveChromaRetriever(DOCS, again, tmp_path / "naive")
    assert again.calls == []  # same model and chunk count: nothing re-embedded
