"""Offline metrics: retrieval ranking, answers/drafts, and review verdicts. No LLM judge."""
