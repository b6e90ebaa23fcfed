"""Zip packages (.docx) checked by inflating every member in chunks, before a library reads it.

The central directory can lie: a member declared as 30 MB may inflate to 1 GB, and
``ZipFile.read`` inflates a whole member in one call before comparing it with the declared
size (3.7 MB of .docx took 2 GB of memory that way). Here each member's raw deflate stream
is inflated ``CHUNK`` bytes at a time and dropped as it goes, stopping as soon as it passes
its declared size or the cap; afterwards the declared sizes are true, so the reader that
follows (python-docx, through ``zipfile``) is bounded by them.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO

from core.errors import LoadError
from index.loaders import reasons

CHUNK = 64 * 2**10  # inflated bytes per step
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED_FLAG = 0x1


class _Damaged(Exception):
    """Inside this module: the member is not what the directory says."""

    def __init__(self, why: str, reason: str = reasons.WORD_DAMAGED):
        super().__init__(why)
        self.reason = reason


def inflate_member(fh: BinaryIO, info: zipfile.ZipInfo, *, path: str, keep: bool) -> bytes:
    """Inflate one member of the open zip file ``fh``, verifying its size and CRC.

    Returns the bytes when ``keep``, else ``b""`` (they are checked and dropped chunk by
    chunk). Raises ``LoadError`` with the Chinese reason: encrypted, unknown compression
    method, a stream that inflates past its declared size (stopped there: a zip bomb), or
    one that is corrupt or shorter than declared.
    """
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise LoadError(path, reasons.ENCRYPTED)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise LoadError(path, reasons.WORD_DAMAGED)  # Word writes only these two
    try:
        parts = _inflate(fh, info, keep)
    except _Damaged as exc:
        raise LoadError(path, exc.reason) from exc
    except (zlib.error, struct.error) as exc:  # a flipped byte in the stream, a cut header
        raise LoadError(path, reasons.WORD_DAMAGED) from exc
    return b"".join(parts)


def _inflate(fh: BinaryIO, info: zipfile.ZipInfo, keep: bool) -> list[bytes]:
    fh.seek(info.header_offset)
    signature, name_len, extra_len = _LOCAL_HEADER.unpack(fh.read(_LOCAL_HEADER.size))
    if signature != _LOCAL_SIGNATURE:
        raise _Damaged("no local header")
    fh.seek(name_len + extra_len, 1)
    stored = info.compress_type == zipfile.ZIP_STORED
    inflater = None if stored else zlib.decompressobj(-zlib.MAX_WBITS)
    left, produced, crc, parts = info.compress_size, 0, 0, []
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        pending = b""
        if inflater is not None and inflater.unconsumed_tail:
            pending = inflater.unconsumed_tail
        elif left > 0:
            pending = fh.read(min(CHUNK, left))
            if not pending:
                raise _Damaged("truncated")
            left -= len(pending)
        piece = pending if inflater is None else inflater.decompress(pending, CHUNK)
        produced += len(piece)
        if produced > info.file_size:  # stop at once: it inflates past what it declared
            raise _Damaged("longer than declared", reasons.BOMB_LYING)
        crc = zlib.crc32(piece, crc)
        if keep:
            parts.append(piece)
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise _Damaged("deflate stream does not end")
    if produced != info.file_size or crc != info.CRC:
        raise _Damaged("size or CRC differs from the directory")
    return parts
