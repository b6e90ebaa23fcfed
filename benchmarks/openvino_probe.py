"""OpenVINO on the same chunks as embed_backends.py: fp32, and NNCF static int8 with SmoothQuant.

Not a project dependency (it measured slower than onnxruntime here); to repeat:

    .venv/bin/pip install openvino nncf
    .venv/bin/python benchmarks/openvino_probe.py [--articles 60] [--rounds 3]

Both read the plain fp32 ONNX export (``onnx_export`` variant ``fp32``). int8 is calibrated on
scale articles 1000-1099 (``embed_backends.calibration_texts``, not the measured chunks) with
``nncf.quantize(model_type=TRANSFORMER)`` (its own SmoothQuant, alpha 0.95 for MatMul).
Vectors are compared with the fused fp32 ONNX graph (``e5-onnx``; cosine 1.00000 to torch).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import machine, write_json  # noqa: E402
from benchmarks.embed_backends import calibration_texts, queries, real_chunks  # noqa: E402


def ov_embedder(model, tokenizer_path: Path, threads: int):
    """A WindowedE5 whose forward pass is an OpenVINO compiled model."""
    import openvino as ov

    from index.embedders.e5 import WindowedE5

    class OpenVinoE5(WindowedE5):
        def __init__(self):
            self.compiled = ov.Core().compile_model(
                model, "CPU", {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"}
            )
            self.request = self.compiled.create_infer_request()
            self._tokenizer = self.load_tokenizer(tokenizer_path)
            self.batch_size = 32

        def _mean_vectors(self, windows):
            ids, mask = self.padded(windows)
            out = self.request.infer({"input_ids": ids, "attention_mask": mask})
            return np.asarray(out[self.compiled.output(0)]).astype(np.float64)

    return OpenVinoE5()


def measure(embedder, chunks: list[str], qs: list[str], rounds: int) -> dict:
    tokens = sum(len(ids) + 2 for ids in embedder.token_ids(chunks))
    embedder.embed(chunks[:8])
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        vectors = embedder.embed(chunks)
        times.append(time.perf_counter() - start)
    return {
        "tokens_per_s": tokens / float(np.median(times)),
        "times_s": times,
        "vectors": vectors,
        "qvectors": embedder.embed(qs, query=True),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks/results/openvino-probe.json")
    args = ap.parse_args()
    import nncf
    import openvino as ov
    from nncf.quantization.advanced_parameters import AdvancedQuantizationParameters, OverflowFix

    from index.embedders.e5_onnx import E5OnnxEmbedder
    from index.models.onnx_export import ensure_onnx
    from index.models.smoothquant import calibration_feeds

    models = args.models_dir or Path(tempfile.mkdtemp(prefix="e5-ov-models-"))
    fp32_path = ensure_onnx(models, "fp32")
    tokenizer = fp32_path.parent / "tokenizer.json"
    chunks, qs = real_chunks(args.articles), queries()
    reference = E5OnnxEmbedder.from_models_dir(models, "fused", num_threads=args.threads)
    ref = measure(reference, chunks, qs, args.rounds)
    fp32_model = ov.Core().read_model(str(fp32_path))
    started = time.perf_counter()
    int8_model = nncf.quantize(
        fp32_model.clone(),
        nncf.Dataset(list(calibration_feeds(reference, *calibration_texts(), batch=8))),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=400,
        # AVX2 without VNNI saturates 8-bit pair sums: keep weights to 7 bits everywhere
        advanced_parameters=AdvancedQuantizationParameters(overflow_fix=OverflowFix.ENABLE),
    )
    quantize_s = time.perf_counter() - started
    rows = [{"backend": "onnxruntime fused fp32 (reference, e5-onnx)",
             "tokens_per_s": ref["tokens_per_s"], "times_s": ref["times_s"]}]  # fmt: skip
    for name, model in (("openvino fp32", fp32_model), ("openvino nncf int8", int8_model)):
        got = measure(ov_embedder(model, tokenizer, args.threads), chunks, qs, args.rounds)
        cos = np.sum(ref["vectors"] * got["vectors"], axis=1)
        cos_q = np.sum(ref["qvectors"] * got["qvectors"], axis=1)
        rows.append({"backend": name, "tokens_per_s": got["tokens_per_s"], "times_s": got["times_s"],
                     "cosine_chunks_min": float(cos.min()), "cosine_chunks_mean": float(cos.mean()),
                     "cosine_queries_min": float(cos_q.min()), "cosine_queries_mean": float(cos_q.mean())})  # fmt: skip
    for row in rows:
        cos = (f"chunks min {row['cosine_chunks_min']:.5f}, queries min {row['cosine_queries_min']:.5f}"
               if "cosine_chunks_min" in row else "reference")  # fmt: skip
        print(f"{row['backend']}: {row['tokens_per_s']:,.0f} tok/s ({cos})")
    write_json({"command": sys.argv, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(), "openvino": ov.__version__, "nncf": nncf.__version__,
                "chunks": len(chunks), "nncf_quantize_s": quantize_s, "backends": rows}, args.out)  # fmt: skip
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
