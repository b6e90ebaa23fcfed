"""Reviewers' tool: check a draft against the indexed sources, sentence by sentence, without an LLM.

Verdicts: ``supported`` (source cited), ``contradicted`` (a number, date, count, name, 文号,
quoted name or listed item differs; both values shown), ``unsupported`` (no source says it),
``not_claim`` (plans, exhortations, headings). The eval harness calls ``check_claim``, which
maps unsupported and not_claim to ``not_supported``.

Modules: ``facts`` (extraction and normalisation), ``names``, ``sentences`` (splitting, claim or
not), ``align`` (coverage, fact pairing, name substitutions), ``polarity``, ``lists``
(enumerations item by item), ``checker``, ``terms`` (fixed expressions), ``report``
(json/md/html/docx), ``second_opinion`` (optional LLM note), ``cli`` and ``web``.
"""

from assistant.review.checker import ReviewReport, Verdict, check_claim, check_sentence, review_text

__all__ = ["ReviewReport", "Verdict", "check_claim", "check_sentence", "review_text"]
