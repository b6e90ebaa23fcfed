"""Every reason and warning a loader gives, in one place: one short Chinese line saying what is
wrong with the file and, where the drafter can do something, what to do."""

from __future__ import annotations

import math

LEGACY_DOC = "旧版 .doc 格式不支持，请另存为 .docx"
NOT_FOUND = "文件不存在"
NOT_REGULAR = "不是普通文件"
NOT_TEXT = "不是文本文件"
NO_TEXT = "没有文字内容"
WORD_DAMAGED = "Word 文件已损坏或不是 Word 文件"
PDF_DAMAGED = "PDF 文件已损坏"
NO_TEXT_LAYER = "PDF 没有文字层（可能是扫描件），请先做文字识别"
ENCRYPTED = "文件已加密，请去除密码后再入库"
NESTED = "嵌套层级过深，文件可能已损坏"
BOMB_RATIO = "压缩比异常（疑似压缩炸弹）"
BOMB_LYING = "解压后比文件目录所写的大（疑似压缩炸弹）"


def unsupported(suffix: str) -> str:
    """An extension no loader reads."""
    return f"不支持的文件类型 {suffix or '（无扩展名）'}"


def unreadable(detail: str) -> str:
    """The operating system refused to read the file (permissions, I/O error, vanished)."""
    return f"无法读取文件（{detail}）"


def _mb(size: int) -> str:
    return f"{size / 2**20:.3g}"


def too_large(size: int, max_bytes: int) -> str:
    """A file over the size limit; the size is rounded up, so it never reads as equal to the
    limit (50 MB + 1 byte is 「50.1 MB」, not 「50 MB」)."""
    shown = math.ceil(size / 2**20 * 10) / 10
    return f"文件过大（{shown:g} MB，上限 {_mb(max_bytes)} MB），请拆分后入库"


def unpacked_too_large(limit: int) -> str:
    """A zip package that inflates (or says it inflates) past ``limit`` bytes."""
    return f"解压后超过 {_mb(limit)} MB 上限（疑似压缩炸弹）"


def too_many_pages(limit: int) -> str:
    """A PDF with more pages than ``max_pdf_pages``."""
    return f"PDF 超过 {limit:,} 页上限，请拆分后入库"


def too_many_chars(limit: int) -> str:
    """Extraction stopped once the text passed ``max_text_chars`` (worded as the pipeline's
    check of the whole text, which this one spares the rest of the work)."""
    return f"文字过长（超过上限 {limit:,} 字），请拆分成较小的文件"


def bytes_replaced(count: int) -> str:
    """Warning: invalid bytes of a mostly-UTF-8 file became U+FFFD."""
    return f"替换了 {count} 个无效字节"


def page_unreadable(number: int, error: str) -> str:
    """Warning: one PDF page's text layer could not be read; the other pages were kept."""
    return f"第 {number} 页文字无法提取（{error}）"
