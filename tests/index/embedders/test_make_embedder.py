import pytest

from core.errors import ConfigError, EmbeddingError
from core.settings import Settings
from index.embedders import HashEmbedder, make_embedder


def settings(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path, **kw)


def test_hash_embedder(tmp_path):
    embedder = make_embedder(settings(tmp_path, embedder="hash"))
    assert isinstance(embedder, HashEmbedder)


def test_openai_needs_base_url(tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"^embedder 'openai' needs embedding_base_url \(ASSISTANT_EMBEDDING_BASE_URL\)$",
    ):
        make_embedder(settings(tmp_path, embedder="openai", embedding_model="m"))


def test_openai_needs_model(tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"^embedder 'openai' needs embedding_model \(ASSISTANT_EMBEDDING_MODEL\)$",
    ):
        make_embedder(
            settings(tmp_path, embedder="openai", embedding_base_url="http://127.0.0.1:9/v1")
        )


def test_openai_is_built_without_calling_the_server(tmp_path):
    embedder = make_embedder(
        settings(
            tmp_path,
            embedder="openai",
            embedding_base_url="http://127.0.0.1:9/v1/",
            embedding_model="bge-m3",
            embedding_api_key="sk-secret",
        )
    )
    assert embedder.model_id == "openai:bge-m3"
    assert embedder.url == "http://127.0.0.1:9/v1/embeddings"


def test_sentence_transformers_needs_a_path(tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"^embedder 'sentence-transformers' needs embedder_model_path "
        r"\(ASSISTANT_EMBEDDER_MODEL_PATH\)$",
    ):
        make_embedder(settings(tmp_path, embedder="sentence-transformers"))


def test_sentence_transformers_missing_folder_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(
        EmbeddingError, match="no-such-model: sentence-transformers model folder not found"
    ):
        make_embedder(
            settings(tmp_path, embedder="sentence-transformers", embedder_model_path=missing)
        )


def test_sentence_transformers_folder_that_is_not_a_model(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("not a model")
    with pytest.raises(EmbeddingError, match="not a sentence-transformers model folder"):
        make_embedder(
            settings(tmp_path, embedder="sentence-transformers", embedder_model_path=folder)
        )


def test_unknown_embedder(tmp_path):
    bad = settings(tmp_path).model_copy(update={"embedder": "word2vec"})
    with pytest.raises(ConfigError, match=r"^unknown embedder 'word2vec'; choose one of: e5, "):
        make_embedder(bad)


def test_threads_must_be_positive(tmp_path):
    from core.settings import load_settings

    # The settings object itself refuses it, with the setting named in the message.
    with pytest.raises(ConfigError, match=r"embed_threads 至少为 1"):
        load_settings(data_dir=tmp_path, embedder="hash", embed_threads=0)


@pytest.mark.integration
def test_e5_backends_are_selectable_and_share_a_model_id(tmp_path, _model_dir):
    from index.embedders import E5_DEFAULT
    from index.embedders.e5 import MODEL_ID

    assert E5_DEFAULT in ("e5-int8", "e5-int8-smooth", "e5-onnx", "e5-torch")
    default = make_embedder(settings(tmp_path, model_dir=_model_dir))
    seen = {}
    for name in ("e5-torch", "e5-onnx", "e5-int8", "e5-int8-smooth"):
        embedder = make_embedder(settings(tmp_path, embedder=name, model_dir=_model_dir))
        seen[name] = type(embedder).__name__
        assert embedder.model_id == MODEL_ID
    assert seen == {
        "e5-torch": "E5Embedder",
        "e5-onnx": "E5OnnxEmbedder",
        "e5-int8": "E5OnnxEmbedder",
        "e5-int8-smooth": "E5OnnxEmbedder",
    }
    assert type(default).__name__ == seen[E5_DEFAULT]
