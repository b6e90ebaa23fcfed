"""Reviewers' tool: check a draft against the indexed sources, sentence by sentence."""

from assistant.review.checker import ReviewReport, Verdict, check_claim, check_sentence, review_text

__all__ = ["ReviewReport", "Verdict", "check_claim", "check_sentence", "review_text"]
