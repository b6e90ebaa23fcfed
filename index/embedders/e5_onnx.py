"""multilingual-e5-small through onnxruntime: the ONNX graphs built by ``onnx_export``.

Same tokenizer, windows, batching and token-weighted averaging as ``E5Embedder`` (both are
``WindowedE5``); only the forward pass differs. ``variant="fused"`` (``e5-onnx``) and ``"fp32"``
are exact fp32; ``"int8"`` (``e5-int8``) runs the fused graph with int8 per-channel weights
(faster, cosine ≈ 0.99 to fp32); ``"int8-smooth"`` (``e5-int8-smooth``, what plain ``e5`` means)
does the same after SmoothQuant (as fast, cosine ≈ 0.998).
No torch at run time once the files exist. Sessions keep onnxruntime from redoing the two
fusions the build undid (``index.models.unfuse``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from core.errors import EmbeddingError
from index.embedders.e5 import WindowedE5
from index.models.unfuse import SLOW_FUSIONS


def session_options(num_threads: int | None = None):
    """The embedder's onnxruntime options: ``num_threads`` intra-op threads (default: the
    cores, at most 8), one inter-op thread, every graph optimisation, no spinning."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = num_threads or min(os.cpu_count() or 1, 8)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle pool threads sleep instead of spinning: with other work on a 2-core machine (the
    # web app, llama.cpp) a spinning thread holds the core its partner needs. Idle, bulk
    # embedding is the same within noise and a single query takes ~5.5 ms instead of ~4.5 ms
    # (benchmarks/RESULTS.md, "Less work per token").
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def open_session(onnx_path: Path, options=None):
    """An onnxruntime CPU session on ``onnx_path`` without the slow fusions (``SLOW_FUSIONS``)."""
    import onnxruntime as ort

    try:
        return ort.InferenceSession(
            str(onnx_path),
            options or session_options(),
            providers=["CPUExecutionProvider"],
            disabled_optimizers=list(SLOW_FUSIONS),
        )
    except Exception as exc:  # onnxruntime raises its own exception types
        raise EmbeddingError(f"{onnx_path}: cannot load the ONNX e5 model ({exc})") from exc


# Padded tokens per batch at most: length-sorted batches of ~1,500 tokens pad 2.1 % of the
# tokens where 32-row batches pad 6.6 %, and keep the FFN's activations (1,536 floats a
# token) small; 1.04x the tokens/s of 32 rows in the idle VNNI run (paired 1.19x;
# benchmarks/embed_work.py, RESULTS.md "Less work per token").
BATCH_TOKENS = 1536


class E5OnnxEmbedder(WindowedE5):
    """multilingual-e5-small on onnxruntime's CPU provider; ``model_id`` shared with E5Embedder."""

    def __init__(
        self,
        onnx_path: Path,
        batch_size: int = 32,
        num_threads: int | None = None,
        batch_tokens: int | None = BATCH_TOKENS,
    ):
        """Load ``onnx_path`` (a file from ``onnx_export.ensure_onnx``) and its folder's tokenizer.

        A batch holds at most ``batch_size`` windows and ``batch_tokens`` padded tokens."""
        onnx_path = Path(onnx_path)
        if not onnx_path.is_file():
            raise EmbeddingError(f"{onnx_path}: ONNX e5 model not found")
        self._session = open_session(onnx_path, session_options(num_threads))
        self._tokenizer = self.load_tokenizer(onnx_path.parent / "tokenizer.json")
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.path = onnx_path

    @classmethod
    def from_models_dir(
        cls,
        models_dir: Path,
        variant: str = "int8",
        batch_size: int = 32,
        num_threads: int | None = None,
    ) -> E5OnnxEmbedder:
        """Build the ``variant`` graph under ``models_dir`` if needed (once), then load it."""
        from index.models.onnx_export import ensure_onnx

        return cls(ensure_onnx(models_dir, variant), batch_size, num_threads)

    def _mean_vectors(self, windows: list[list[int]]) -> np.ndarray:
        input_ids, mask = self.padded(windows)
        (mean,) = self._session.run(["mean"], {"input_ids": input_ids, "attention_mask": mask})
        return mean.astype(np.float64)
