"""Recompute SmoothQuant's committed calibration maxima (``index/models/e5_smooth_stats.npz``).

    .venv/bin/python benchmarks/smooth_stats.py [--models-dir DIR]

The fused fp32 graph (built under ``--models-dir`` if needed, default the user's models dir)
is run over the chunks of scale articles 1000-1099 as passages and their titles as queries -
articles no benchmark or eval measures - and the per-channel maxima are written in place.
Changing the file changes the ONNX build stamp, so the next use rebuilds the model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.embed_backends import calibration_texts  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.embedders.e5_onnx import E5OnnxEmbedder  # noqa: E402
from index.models import smoothquant  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", type=Path, default=None)
    args = ap.parse_args()
    fused = E5OnnxEmbedder.from_models_dir(args.models_dir or Settings().models_dir, "fused")
    stats = smoothquant.calibrate(
        fused.path, smoothquant.calibration_feeds(fused, *calibration_texts())
    )
    np.savez(smoothquant.STATS_FILE, **stats)
    print(f"wrote {smoothquant.STATS_FILE} ({len(stats)} vectors)")


if __name__ == "__main__":
    main()
