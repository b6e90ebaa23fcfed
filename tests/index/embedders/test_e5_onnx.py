"""The ONNX backends reproduce torch fp32: exactly (fused fp32) or within int8 tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import EmbeddingError
from index.embedders.e5 import MODEL_ID, WINDOW, WindowedE5

QUESTIONS = [  # (question, the seed it is about)
    ("在职党员参与城市建设的情况怎么样？", "000"),
    ("“三单”落实这个关键点是怎样促进工作落实的？", "001"),
    ("国土部门如何推动党建与业务同频共振？", "002"),
    ("城管局怎样打造“城市好管家”党建品牌？", "003"),
    ("濱海新區如何破解機關黨建與業務「兩張皮」問題？", "004"),
    ("逐社觀摩這個新方法怎樣促進全面提升？", "001"),
]


def test_padded_rows_carry_bos_eos_and_mask():
    ids, mask = WindowedE5.padded([[5, 6, 7], [9]])
    assert ids.tolist() == [[0, 5, 6, 7, 2], [0, 9, 2, 1, 1]]
    assert mask.tolist() == [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]
    assert ids.dtype == mask.dtype == np.int64


def test_sessions_do_not_spin_and_batches_are_token_capped():
    from index.embedders.e5_onnx import BATCH_TOKENS, E5OnnxEmbedder, session_options

    options = session_options(2)
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == 2
    assert E5OnnxEmbedder.__init__.__defaults__[-1] == BATCH_TOKENS == 1536


def test_missing_onnx_file_is_named(tmp_path):
    from index.embedders.e5_onnx import E5OnnxEmbedder

    with pytest.raises(EmbeddingError, match="nothing.onnx: ONNX e5 model not found"):
        E5OnnxEmbedder(tmp_path / "nothing.onnx")


def test_unknown_variant(tmp_path):
    from index.models.onnx_export import ensure_onnx

    with pytest.raises(
        EmbeddingError,
        match=r"unknown ONNX variant 'fp16'; choose one of: fp32, fused, int8, int8-smooth",
    ):
        ensure_onnx(tmp_path, "fp16")


@pytest.mark.integration
def test_fused_fp32_equals_torch(seed_chunks, e5_embedder, onnx_fused):
    texts = [t for _, t in seed_chunks]
    cos = np.sum(e5_embedder.embed(texts) * onnx_fused.embed(texts), axis=1)
    questions = [q for q, _ in QUESTIONS]
    cos_q = np.sum(
        e5_embedder.embed(questions, query=True) * onnx_fused.embed(questions, query=True), axis=1
    )
    assert min(cos.min(), cos_q.min()) > 0.99999


@pytest.mark.integration
def test_int8_stays_close_to_torch(seed_chunks, seed_passages, e5_embedder, onnx_int8):
    texts = [t for _, t in seed_chunks] + [p for _, p in seed_passages]
    cos = np.sum(e5_embedder.embed(texts) * onnx_int8.embed(texts), axis=1)
    questions = [q for q, _ in QUESTIONS]
    cos_q = np.sum(
        e5_embedder.embed(questions, query=True) * onnx_int8.embed(questions, query=True), axis=1
    )
    print(
        f"int8 vs torch: chunks min {cos.min():.5f} mean {cos.mean():.5f}, queries min {cos_q.min():.5f}"
    )
    # onnxruntime quantises activations per tensor (one scale for the whole batch), so it
    # misses the 0.995 bound the default backend must keep (measured: chunks min 0.9934,
    # mean 0.9965; queries min 0.9885); these bounds pin that level so a regression shows
    assert cos.min() >= 0.99
    assert cos_q.min() >= 0.985
    assert cos.mean() >= 0.995


@pytest.mark.integration
def test_int8_windows_a_whole_report(seed_reports, e5_embedder, onnx_int8):
    report = max(seed_reports.values(), key=len)
    assert len(onnx_int8.token_ids([report])[0]) > 3 * WINDOW
    cos = float(np.sum(e5_embedder.embed([report]) * onnx_int8.embed([report])))
    assert cos >= 0.99


@pytest.mark.integration
@pytest.mark.parametrize("variant", ["onnx_int8", "onnx_int8_smooth"])
def test_int8_finds_the_same_top_seed(request, variant, seed_passages, e5_embedder):
    int8 = request.getfixturevalue(variant)
    texts = [p for _, p in seed_passages]
    questions = [q for q, _ in QUESTIONS]
    ours = int8.embed(questions, query=True) @ int8.embed(texts).T
    ref = e5_embedder.embed(questions, query=True) @ e5_embedder.embed(texts).T
    for row, (question, seed) in enumerate(QUESTIONS):
        assert seed_passages[int(np.argmax(ours[row]))][0].startswith(seed), question
        overlap = set(np.argsort(-ours[row])[:5]) & set(np.argsort(-ref[row])[:5])
        assert len(overlap) >= 4, question


@pytest.mark.integration
def test_onnx_files_are_built_once_and_share_the_model_id(_model_dir, onnx_int8, e5_embedder):
    from index.models.onnx_export import FOLDER_NAME, ensure_onnx

    folder = _model_dir / FOLDER_NAME
    before = (folder / "model-int8.onnx").stat().st_mtime_ns
    assert ensure_onnx(_model_dir, "int8") == folder / "model-int8.onnx"
    assert (folder / "model-int8.onnx").stat().st_mtime_ns == before
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert (folder / "export.json").is_file()
    assert onnx_int8.model_id == e5_embedder.model_id == MODEL_ID


@pytest.mark.integration
def test_int8_alone_keeps_no_intermediate_graphs(tmp_path, converted_dir):
    import shutil

    from index.models.onnx_export import FOLDER_NAME, ensure_onnx

    shutil.copytree(converted_dir, tmp_path / converted_dir.name)
    path = ensure_onnx(tmp_path, "int8")
    names = sorted(p.name for p in (tmp_path / FOLDER_NAME).iterdir())
    assert names == ["export.json", "model-int8.onnx", "tokenizer.json"]
    assert path.stat().st_size > 100_000_000
