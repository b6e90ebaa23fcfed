"""Plain text and Markdown: find the encoding, refuse binary, return clean Unicode.

Chinese offices produce UTF-8 (with or without BOM), UTF-16 (Notepad's "Unicode"),
GBK/GB18030 and, from Taiwan and Hong Kong, Big5. Order of decisions:

1. a BOM settles it (UTF-8, UTF-16 LE/BE);
2. NUL bytes or many control characters mean binary: 「不是文本文件」;
3. strict UTF-8;
4. a charset the file declares (an HTML meta tag), if it decodes the bytes;
5. otherwise every candidate that decodes — UTF-8 with replacement when at most 1 % of
   the bytes are bad, strict GB18030, strict Big5 (cp950) — is scored by the share of
   common Chinese characters it yields; the best wins (UTF-8 on a tie). GB18030
   accepts most Big5 byte sequences (and most UTF-8 ones) but turns them into rare
   characters, so the score separates them clearly (Big5 seed: 80 % common as Big5,
   9 % as GB18030).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from core.errors import LoadError, NoTextError
from core.normalize import to_simplified
from index.loaders import reasons
from index.loaders.limits import Limits
from index.types import LoadedText

NOT_TEXT = reasons.NOT_TEXT

# The 600 most frequent Han characters by summed word frequency in jieba's dictionary
# (Simplified). Traditional candidates are converted with OpenCC before lookup.
_COMMON_HAN = frozenset(
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后"
    "就发自之对得主长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事"
    "代那去心小同北定开产前其军还然起种所如现理机体表力好外与文当两实重新三么只山水关明"
    "从化平建又制南内西没此将员名手最东头者月间无安看见各城十相但已些正口通想度加第她合"
    "院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知级量任江及"
    "应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首共马形己儿司"
    "太目基领队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交"
    "放管结师便走达族反再题色五京河接条规式县白它改风光运信受什组听布百济党指论强做取技"
    "黄神选记斯真却职号界件花类何眼兵传带空干农边据集联古广完质阳难增历史专官每住商即步"
    "认车台林必死游举线言皇土团收考求德叫近备研争非具李众连调感转笑革该持始英克士尔让拉"
    "思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准究往极育装许参半令吃观"
    "鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源息语股铁断派速怎需片爱律"
    "纪支早况病境证编越局推满且列觉服双未居除乐企引标确织初青志率项飞球节察龙响药站施均"
    "消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴占巴虽洲村费易试星木黑左宝置"
    "跟央识维采六底宫房音环案批切斗富乡另倒若按查故突责严"
)
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
# C0 controls other than tab, LF, VT, FF, CR and ESC; plus DEL.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# UTF-8 with replacement is a candidate only when at most this share of all bytes is
# invalid; a GBK file read as UTF-8 is invalid almost everywhere it is not ASCII.
MAX_BAD_BYTE_SHARE = 0.01
MAX_CONTROL_SHARE = 0.02


def load_text(path: Path, limits: Limits | None = None) -> LoadedText:
    """Read a .txt/.md file, detect its encoding and return its text with ``\\n`` newlines.

    ``limits`` is accepted like every loader's; the size gate in ``load_file`` bounds it.
    """
    data = path.read_bytes()
    text, encoding, warnings = decode_bytes(data, path)
    if not text.strip():
        raise NoTextError(str(path), reasons.NO_TEXT)
    return LoadedText(text=text, encoding=encoding, warnings=warnings)


def decode_bytes(
    data: bytes, path: Path | str, declared: str | None = None
) -> tuple[str, str, list[str]]:
    """Decode ``data`` to ``(text, encoding, warnings)``; newlines become ``\\n``, BOM dropped.

    ``declared`` is an encoding named by the file itself (an HTML meta tag); it is used
    when the bytes are not valid UTF-8 and it decodes them cleanly. Raises
    ``LoadError(path, NOT_TEXT)`` for binary data.
    """
    text, encoding, warnings = _decode(data, path, declared)
    if _looks_binary(text):
        raise LoadError(str(path), NOT_TEXT)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text, encoding, warnings


def _decode(data: bytes, path: Path | str, declared: str | None) -> tuple[str, str, list[str]]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.removesuffix("-sig"), []
            except UnicodeDecodeError as exc:
                raise LoadError(str(path), NOT_TEXT) from exc
    utf16 = _sniff_utf16(data)
    if utf16:
        return data.decode(utf16), utf16, []
    if b"\x00" in data:
        raise LoadError(str(path), NOT_TEXT)
    # Valid UTF-8 wins even over a declared charset: pages re-saved as UTF-8 keep their
    # old "gb2312" meta, while legacy bytes are almost never valid UTF-8 by accident.
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), declared, []
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong or unknown meta charset is common; fall back to detection
    candidates: list[tuple[float, str, str, list[str]]] = []
    replaced = _utf8_with_few_replacements(data)
    if replaced is not None:  # listed first: it wins ties (text without Han characters)
        decoded, bad = replaced
        candidates.append(
            (_common_han_share(decoded), decoded, "utf-8", [reasons.bytes_replaced(bad)])
        )
    for codec in ("gb18030", "cp950"):
        try:
            decoded = data.decode(codec)
        except UnicodeDecodeError:
            continue
        name = "big5" if codec == "cp950" else codec
        candidates.append((_common_han_share(decoded), decoded, name, []))
    if not candidates:
        raise LoadError(str(path), NOT_TEXT)
    _, text, encoding, warnings = max(candidates, key=lambda c: c[0])
    return text, encoding, warnings


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte is NUL in mostly-ASCII/Latin text."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    for codec, zeros, others in (
        ("utf-16-le", odd_nul, even_nul),
        ("utf-16-be", even_nul, odd_nul),
    ):
        if zeros > 0.7 and others < 0.05:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _utf8_with_few_replacements(data: bytes) -> tuple[str, int] | None:
    """UTF-8 decode with U+FFFD for bad bytes, or None when too many bytes are bad."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for ch in escaped if "\udc80" <= ch <= "\udcff")
    if bad == 0 or bad > MAX_BAD_BYTE_SHARE * len(data):
        return None
    return data.decode("utf-8", errors="replace"), bad


def _common_han_share(text: str) -> float:
    """Share of Han characters that are among the 600 most common (after t2s)."""
    han = _HAN_RE.findall(to_simplified("".join(_HAN_RE.findall(text[:20000]))))
    if not han:
        return 0.0
    return sum(ch in _COMMON_HAN for ch in han) / len(han)


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    return bool(sample) and len(_CONTROL_RE.findall(sample)) / len(sample) > MAX_CONTROL_SHARE
