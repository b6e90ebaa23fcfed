"""The verification stage: each generated sentence checked against the numbered sources."""

from __future__ import annotations

from assistant.generation.service import generate
from assistant.generation.verify import (
    QUOTE_LEAD,
    QUOTE_REASON,
    REFUSAL_QUOTE_LEAD,
    verified,
    verify_result,
)


def answer(fake, retriever, settings, reply, *, strict, question="市住建局有多少在职党员"):
    fake.enqueue([reply])
    events = list(
        verified(
            generate(question, mode="answer", retriever=retriever, chat=fake, settings=settings),
            strict=strict,
        )
    )
    assert events[-1].kind == "done"
    return events[-1].result


def labels(result):
    return [(s.label, s.n) for s in result.sentences]


def test_supported_sentence_gets_the_supporting_source_number(fake, party_retriever, settings):
    # The model wrote no [n] at all: the verifier finds the passage and cites it.
    result = answer(fake, party_retriever, settings, "市住建局在职党员485名。", strict=True)
    assert result.verified
    assert result.text.startswith("市住建局在职党员485名[1]。")
    assert ("supported", 1) in labels(result)


def test_a_wrong_citation_is_replaced_by_the_right_one(fake, party_retriever, settings):
    result = answer(fake, party_retriever, settings, "市住建局在职党员485名[3]。", strict=True)
    assert result.text.startswith("市住建局在职党员485名[1]。")


def test_a_planted_wrong_number_is_contradicted_with_the_source_value(
    fake, party_retriever, settings
):
    result = answer(fake, party_retriever, settings, "市住建局在职党员400名[1]。", strict=False)
    first = result.sentences[0]
    assert first.label == "contradicted"
    assert ("number", "400名", "485名") in first.differences
    assert "400名" in result.text  # not strict: kept, marked


def test_strict_mode_corrects_a_wrong_number_and_says_so(fake, party_retriever, settings):
    result = answer(fake, party_retriever, settings, "市住建局在职党员400名[1]。", strict=True)
    assert result.text.startswith("市住建局在职党员485名[1]。")
    assert "400名" not in result.text
    assert result.sentences[0].label == "supported"
    assert any("更正 1 句" in n for n in result.notices)


def test_strict_mode_removes_what_no_source_supports(fake, party_retriever, settings):
    reply = "市住建局在职党员485名[1]。该局还被评为全国文明单位，获得表彰三十余次[2]。"
    result = answer(fake, party_retriever, settings, reply, strict=True)
    assert "全国文明单位" not in result.text
    assert any("删除 1 句" in n for n in result.notices)
    loose = answer(fake, party_retriever, settings, reply, strict=False)
    assert "全国文明单位" in loose.text
    assert [s.label for s in loose.sentences][:2] == ["supported", "unsupported"]
    assert loose.uncited_sentences and "全国文明单位" in loose.uncited_sentences[0]


def test_nothing_supported_falls_back_to_quoting_the_sources(fake, party_retriever, settings):
    reply = "该局获得全国五一劳动奖状，连续十年被评为先进集体。"
    result = answer(fake, party_retriever, settings, reply, strict=True)
    assert result.generator == "extractive" and result.extractive
    assert "485名" in result.text and "[1]" in result.text
    assert any("资料原文摘录" in n for n in result.notices)


def test_a_refusal_appended_to_an_answer_is_dropped(fake, party_retriever, settings):
    reply = "市住建局在职党员485名[1]。资料中没有相关内容。"
    result = answer(fake, party_retriever, settings, reply, strict=True)
    assert "资料中没有相关内容" not in result.text


def test_the_prompt_scaffolding_a_model_copies_is_dropped(fake, party_retriever, settings):
    # Seen on the 1.5B model: after one unit's answer it wrote the prompt's next lines.
    reply = "市住建局在职党员485名[1]。\n\n问题：市住建局有多少在职党员？\n\n要求：\n"
    result = answer(fake, party_retriever, settings, reply, strict=True)
    assert "问题：" not in result.text and "要求：" not in result.text
    assert result.text.startswith("市住建局在职党员485名[1]。")


def test_a_lead_in_about_the_sources_is_dropped(fake, party_retriever, settings):
    result = answer(
        fake, party_retriever, settings, "根据资料[1]，市住建局在职党员485名。", strict=True
    )
    assert result.text.startswith("市住建局在职党员485名[1]。")


def test_the_best_source_sentence_is_quoted_after_a_vague_answer(fake, party_retriever, settings):
    # A small model restates the question; the sentence with the fact follows, quoted.
    result = answer(
        fake, party_retriever, settings, "党员是参与城市建设管理的主力军[1]。", strict=True
    )
    assert QUOTE_LEAD in result.text
    assert "485名" in result.text.split(QUOTE_LEAD)[1]


def test_extractive_text_is_verified_without_quotes(party_retriever, settings):
    events = list(
        generate(
            "市住建局有多少在职党员",
            mode="answer",
            retriever=party_retriever,
            chat=None,
            settings=settings,
        )
    )
    result = verify_result(events[-1].result, strict=True)
    assert result.verified and QUOTE_LEAD not in result.text
    assert result.sentences and all(s.label != "unsupported" for s in result.sentences)


def test_a_refusal_is_not_followed_by_a_quote(fake, party_retriever, settings):
    result = answer(
        fake,
        party_retriever,
        settings,
        "资料中没有相关内容。",
        strict=True,
        question="火星基地建了几年",
    )
    assert result.text == "资料中没有相关内容。"


def test_a_refusal_on_a_question_the_sources_touch_is_followed_by_a_labelled_quote(
    fake, party_retriever, settings
):
    """A 1.5B model refuses some questions its sources answer: the source sentence closest to
    the question follows the refusal, marked as no answer, and the refusal stays."""
    result = answer(fake, party_retriever, settings, "资料中没有相关内容。", strict=True)
    assert result.text.startswith("资料中没有相关内容。\n\n" + REFUSAL_QUOTE_LEAD)
    assert "485名" in result.text and "[1]" in result.text
    quoted = [s for s in result.sentences if s.reason == QUOTE_REASON]
    assert quoted and quoted[0].label == "supported" and quoted[0].n == 1


def test_a_source_is_checked_with_its_outline_and_byline(fake, settings, make_hit, recorder):
    """The third heading of 「二、存在的问题」 and the byline reached the model as windows of
    the first passage, which holds neither: a sentence stating them is supported."""
    hit = make_hit(1, "有的党员主体意识需加强，缺乏主动性。")
    hit.metadata["sibling_sections"] = (
        "二、存在的问题",
        "(一)主体意识不够强",
        "(三)个别单位志愿服务引导有偏",
    )
    hit.metadata["author"] = "王从香"
    retriever = recorder(lambda q: [hit])
    reply = "三是个别单位志愿服务引导有偏。本文作者是王从香。"
    result = answer(fake, retriever, settings, reply, strict=True, question="存在哪些问题？")
    assert "志愿服务引导有偏[1]" in result.text and "王从香[1]" in result.text
    assert [s.label for s in result.sentences][:2] == ["supported", "supported"]


def draft(fake, retriever, settings, replies, *, strict, skeleton):
    """A verified draft on ``skeleton``, the fake model writing ``replies`` (one per section)."""
    for reply in replies:
        fake.enqueue([reply])
    events = list(
        verified(
            generate(
                "在职党员参与城市建设",
                mode="outline",
                retriever=retriever,
                chat=fake,
                settings=settings,
                skeleton=skeleton,
            ),
            strict=strict,
        )
    )
    return events[-1].result


def test_a_section_strict_mode_empties_gets_source_material(fake, party_retriever, settings):
    """One 一、 section whose every sentence is invented: strict mode removes them and fills
    the section with its best source sentences, marked, instead of leaving a bare heading."""
    heads = ["基本情况", "主要做法"]
    replies = ["市住建局在职党员485名[1]。", "该局连续十年获评全国文明单位，荣获五一劳动奖状[2]。"]
    result = draft(fake, party_retriever, settings, replies, strict=True, skeleton=heads)
    first, second = result.text.split("二、主要做法")
    assert "485名[1]" in first and "全国文明单位" not in result.text
    assert second.strip().startswith("【资料摘录】") and "[" in second
    assert any("1 个部分没有内容" in n for n in result.notices)
    assert all(s.label in ("supported", "not_claim") for s in result.sentences)
    # not strict: the invented sentence stays, marked, and nothing is filled in
    loose = draft(fake, party_retriever, settings, replies, strict=False, skeleton=heads)
    assert "全国文明单位" in loose.text and "【资料摘录】" not in loose.text


def test_a_traditional_reply_is_shown_in_simplified_and_still_checked(
    fake, party_retriever, settings
):
    result = answer(fake, party_retriever, settings, "市住建局在職黨員485名[1]。", strict=True)
    assert result.text.startswith("市住建局在职党员485名[1]。")
    assert "黨" not in result.text and result.sentences[0].label == "supported"
