"""multilingual-e5-small through onnxruntime: the ONNX graphs built by ``onnx_export``.

Same tokenizer, windows, batching and token-weighted averaging as ``E5Embedder`` (both are
``WindowedE5``); only the forward pass differs. ``variant="fused"`` (``e5-onnx``) and ``"fp32"``
are exact fp32; ``"int8"`` (``e5-int8``) runs the fused graph with int8 per-channel weights
(faster, cosine ≈ 0.99 to fp32); ``"int8-smooth"`` (``e5-int8-smooth``, what plain ``e5`` means)
does the same after SmoothQuant (as fast, cosine ≈ 0.998).
No torch at run time once the files exist.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from core.errors import EmbeddingError
from index.embedders.e5 import WindowedE5


class E5OnnxEmbedder(WindowedE5):
    """multilingual-e5-small on onnxruntime's CPU provider; ``model_id`` shared with E5Embedder."""

    def __init__(self, onnx_path: Path, batch_size: int = 32, num_threads: int | None = None):
        """Load ``onnx_path`` (a file from ``onnx_export.ensure_onnx``) and its folder's tokenizer."""
        import onnxruntime as ort

        onnx_path = Path(onnx_path)
        if not onnx_path.is_file():
            raise EmbeddingError(f"{onnx_path}: ONNX e5 model not found")
        options = ort.SessionOptions()
        options.intra_op_num_threads = num_threads or min(os.cpu_count() or 1, 8)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(
                str(onnx_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EmbeddingError(f"{onnx_path}: cannot load the ONNX e5 model ({exc})") from exc
        self._tokenizer = self.load_tokenizer(onnx_path.parent / "tokenizer.json")
        self.batch_size = batch_size
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
