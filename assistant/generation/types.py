"""The generation stage's dataclasses: numbered sources, the checked result, stream events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from assistant.retrieval.base import Hit

Mode = Literal["answer", "summary", "suggest", "outline"]
MODES: tuple[str, ...] = get_args(Mode)
# What the web app and the exports call each mode.
MODE_NAMES_ZH: dict[str, str] = {
    "answer": "问答",
    "summary": "总结",
    "suggest": "建议",
    "outline": "提纲起草",
}


@dataclass
class Citation:
    """``[n]`` in a text refers to ``hit``, the n-th numbered source (1-based)."""

    n: int
    hit: Hit


@dataclass
class SentenceCheck:
    """The verifier's finding for one sentence of a generated text.

    ``label``: supported | unsupported (无依据) | contradicted (与来源不符) | not_claim;
    ``n``: the source that supports it (or that it contradicts); ``written``: the numbers the
    model wrote; ``differences``: (kind, text's value, source's value).
    """

    text: str
    label: str
    n: int | None
    written: list[int] = field(default_factory=list)
    reason: str = ""
    source_text: str = ""
    differences: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class AnswerResult:
    """A finished answer or draft, with its citations checked.

    ``text`` is final: unknown ``[n]`` are already removed from it (and listed in
    ``removed_citations``). ``sources`` are every numbered source shown to the model or the
    extractor; ``cited`` the numbers ``text`` actually uses, in order of first use.
    """

    mode: Mode
    text: str
    sources: list[Citation]
    cited: list[int]
    extractive: bool  # True when produced without an LLM
    notices: list[str]  # Chinese, user-facing
    removed_citations: list[int]
    uncited_sentences: list[str]
    question: str = ""
    generator: str = ""  # extractive | local | endpoint (set by generate)
    generator_label: str = ""  # what the UI shows, e.g. 本地模型（Qwen2.5-1.5B）
    sentences: list[SentenceCheck] = field(default_factory=list)  # set by the verifier
    verified: bool = False


@dataclass
class Event:
    """One step of a streamed generation.

    kinds, in the order they come:
    - ``"sources"``: ``sources`` is the full numbered list so far (replaces any earlier one;
      outline mode sends it again when a section brings new sources);
    - ``"notice"``: ``text`` is a Chinese message for the user. A notice that arrives after
      ``"delta"`` events means the model failed and the text restarts from empty (the
      extractive fallback follows): discard what was streamed so far;
    - ``"delta"``: ``text`` is the next piece of the answer;
    - ``"progress"``: ``text`` says which section of a draft is being written (Chinese);
    - ``"done"``: always last; ``result`` holds the checked final text — show that.
    """

    kind: str  # "notice" | "sources" | "delta" | "progress" | "done"
    text: str = ""
    result: AnswerResult | None = None
    sources: list[Citation] = field(default_factory=list)
