"""Word export: GB/T 9704-like fonts, sizes, indents and headings, read back with python-docx."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.export.docx import to_docx
from assistant.generation.types import Citation
from assistant.retrieval.base import Hit

TEXT = """一、总体情况
今年以来，我局坚持党建引领[1]。
（一）加强组织建设
1. 完善制度。建立健全党员管理制度[2]。
（二）强化队伍建设。持续开展党员培训，效果明显。
## 二、存在问题
**个别党员主体意识不够强。**
"""


def _east_asia(run) -> str | None:
    rfonts = run._element.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


@pytest.fixture
def document(tmp_path):
    sources = [
        Citation(
            1, Hit("c1", "d1", "t", 1.0, "调研报告", "一、基本情况", "/data/uploads/报告一.docx")
        ),
        Citation(2, Hit("c2", "d2", "t", 1.0, "工作总结", "", "C:\\docs\\总结.txt")),
    ]
    path = to_docx("关于党员作用发挥的调研报告", TEXT, sources, tmp_path / "out" / "draft.docx")
    return docx.Document(str(path))


def test_title_is_centred_xiaobiaosong_erhao(document):
    title = document.paragraphs[0]
    assert title.text == "关于党员作用发挥的调研报告"
    assert title.alignment == 1  # CENTER
    run = title.runs[0]
    assert _east_asia(run) == "方正小标宋简体"
    assert run.font.size == Pt(22)
    style = title.style.element
    assert style.pPr.find(qn("w:pBdr")) is None  # no template rule under the title
    assert style.rPr.find(qn("w:color")).get(qn("w:val")) == "000000"


def test_body_is_fangsong_sanhao_with_two_char_indent(document):
    body = next(p for p in document.paragraphs if p.text.startswith("今年以来"))
    assert body.style.name == "Normal"
    run = body.runs[0]
    assert _east_asia(run) == "仿宋_GB2312"
    assert run.font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37


def test_numbered_headings_take_their_fonts(document):
    by_text = {p.text: p for p in document.paragraphs}
    h1 = by_text["一、总体情况"]
    assert h1.style.name == "Heading 1" and _east_asia(h1.runs[0]) == "黑体"
    h2 = by_text["（一）加强组织建设"]
    assert h2.style.name == "Heading 2" and _east_asia(h2.runs[0]) == "楷体_GB2312"
    assert h2.runs[0].font.size == Pt(16)
    # markdown marks a model may add are dropped, the numbering still decides
    assert by_text["二、存在问题"].style.name == "Heading 1"
    assert "个别党员主体意识不够强。" in by_text


def test_run_in_heading_only_styles_the_heading_sentence(document):
    p3 = next(p for p in document.paragraphs if p.text.startswith("1. 完善制度"))
    head, rest = p3.runs
    assert head.text == "1. 完善制度。" and head.font.bold and _east_asia(head) == "仿宋_GB2312"
    assert rest.text == "建立健全党员管理制度[2]。" and not rest.font.bold
    p2 = next(p for p in document.paragraphs if p.text.startswith("（二）"))
    assert _east_asia(p2.runs[0]) == "楷体_GB2312" and _east_asia(p2.runs[1]) == "仿宋_GB2312"
    assert p2.style.name == "Normal"


def test_sources_are_appended_as_numbered_list(document):
    texts = [p.text for p in document.paragraphs]
    i = texts.index("参考来源")
    assert document.paragraphs[i].style.name == "Heading 1"
    assert texts[i + 1 :] == [
        "[1] 调研报告 · 一、基本情况 · 报告一.docx",
        "[2] 工作总结 · 总结.txt",
    ]


def test_no_sources_no_list(tmp_path):
    doc = docx.Document(str(to_docx("题目", "正文一句。", None, tmp_path / "a.docx")))
    assert [p.text for p in doc.paragraphs] == ["题目", "正文一句。"]


def test_flagged_sentences_carry_word_comments_and_the_generator_label(tmp_path):
    import zipfile

    from assistant.export.docx import to_docx
    from assistant.generation.types import SentenceCheck

    checks = [
        SentenceCheck("市住建局在职党员485名。", "supported", 1),
        SentenceCheck(
            "该局获评全国文明单位。", "unsupported", None, reason="资料库中没有找到相关内容"
        ),
        SentenceCheck("支部共40个。", "contradicted", 1, differences=[("number", "40个", "47个")]),
    ]
    text = "市住建局在职党员485名[1]。该局获评全国文明单位。支部共40个。"
    path = to_docx(
        "住建局党员情况",
        text,
        [],
        tmp_path / "a.docx",
        checks=checks,
        label="本地模型（Qwen2.5-1.5B）生成",
    )
    with zipfile.ZipFile(path) as z:
        comments = z.read("word/comments.xml").decode()
        body = z.read("word/document.xml").decode()
    assert "无依据" in comments and "草稿“40个”，来源“47个”" in comments
    assert "485名" not in comments
    assert "本地模型（Qwen2.5-1.5B）生成" in body


def test_extractive_labels_stay_out_of_the_body_and_sources_name_unit_and_year(tmp_path):
    text = "【市住建局调研报告 · 一、基本情况】\n市住建局现有基层党组织48个[1]。"
    hit = Hit(
        "c1", "d1", "……", 1.0, "市住建局调研报告", "一、基本情况",
        "/data/uploads/3f9a0c1d2e4b5a69e1.txt", {"org": "西安市住建局", "year": 2021},
    )  # fmt: skip
    path = to_docx(
        "西安市住建局有多少个基层党组织？", text, [Citation(1, hit)], tmp_path / "a.docx",
        label="抽取式（资料原文摘录）",
    )  # fmt: skip
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert paragraphs[0] == "西安市住建局有多少个基层党组织？"
    assert "（抽取式（资料原文摘录））" in paragraphs
    assert not any(p.startswith("【") for p in paragraphs)
    assert "市住建局现有基层党组织48个[1]。" in paragraphs
    assert "[1] 市住建局调研报告 · 一、基本情况 · 西安市住建局 · 2021年" in paragraphs
    assert not any("3f9a0c" in p for p in paragraphs)


def test_a_hash_named_file_is_never_the_source_label():
    from assistant.export import source_label

    hashed = Hit("c", "d", "", 1.0, "报告", "", "/u/000_424aa9fef5469438.txt")
    named = Hit("c", "d", "", 1.0, "报告", "", "/u/住建局调研.txt")
    assert source_label(Citation(2, hashed)) == "[2] 报告"
    assert source_label(Citation(3, named)) == "[3] 报告 · 住建局调研.txt"
