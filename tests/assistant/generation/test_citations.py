"""Citation parsing, removal of unknown numbers, uncited sentences."""

from __future__ import annotations

from assistant.generation.citations import check_citations, citation_numbers, cited_sentences


def test_every_marker_form_is_read():
    assert citation_numbers("甲[1]。乙[2,3]。丙[4、5]。丁[6][7]。戊［8］。己[9， 10]。") == list(
        range(1, 11)
    )


def test_unknown_numbers_are_removed_and_reported():
    checked = check_citations("甲[1][9]。乙[2，7]。丙［7］。丁[3, 2]。", {1, 2, 3})
    assert checked.text == "甲[1]。乙[2]。丙。丁[3, 2]。"
    assert checked.removed == [9, 7, 7]
    assert checked.cited == [1, 2, 3]
    assert checked.uncited_sentences == ["丙。"]


def test_marker_after_the_end_mark_belongs_to_the_sentence_before():
    assert cited_sentences("甲。[1]乙。[2][3]丙。") == [
        ("甲。", [1]),
        ("乙。", [2, 3]),
        ("丙。", []),
    ]


def test_headings_labels_blank_lines_and_refusals_are_not_uncited():
    text = "一、总体情况\n（一）基本做法\n【某报告 · 一、情况……】\n\n资料中没有相关内容。\n## 小结\n正文一句[1]。\n（二）主要成效。没有出处的一句。"
    checked = check_citations(text, {1})
    assert checked.uncited_sentences == ["（二）主要成效。", "没有出处的一句。"]
