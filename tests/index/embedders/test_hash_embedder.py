import numpy as np
import pytest

from index.embedders import Embedder, HashEmbedder


def test_same_text_same_vector_across_instances():
    a = HashEmbedder().embed(["机关党建调研报告", "城市建设"])
    b = HashEmbedder().embed(["机关党建调研报告", "城市建设"])
    assert np.array_equal(a, b)
    assert a.dtype == np.float32 and a.shape == (2, 64)


def test_vectors_are_unit_length_even_for_tiny_texts():
    vectors = HashEmbedder(dimension=32).embed(["", "党", "党建", "a long english sentence"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_similar_texts_are_closer_than_unrelated_ones():
    v = HashEmbedder().embed(
        ["推进机关党建与业务深度融合", "机关党建与业务融合发展", "今天天气晴朗"]
    )
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_model_id_names_the_dimension_and_protocol_holds():
    embedder = HashEmbedder(dimension=16)
    assert embedder.model_id == "hash-16"
    assert isinstance(embedder, Embedder)
    assert embedder.embed(["x"], query=True).shape == (1, 16)


def test_rejects_a_useless_dimension():
    with pytest.raises(ValueError, match="at least 2"):
        HashEmbedder(dimension=1)
