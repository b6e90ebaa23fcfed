"""Saved web pages: honour the page's charset, keep the article, drop the page chrome.

BeautifulSoup with lxml, by hand rather than trafilatura: the rules are few, visible
and testable, and nothing executable can reach the text — scripts, styles, frames,
forms and comments are removed before any text is read, and attributes (``on*``
handlers, ``javascript:`` URLs) are never read at all.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Tag

from core.errors import NoTextError
from index.loaders.text import decode_bytes
from index.types import LoadedText

# Elements whose content is never article text.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "object",
    "embed",
    "template",
    "svg",
    "canvas",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "nav",
    "header",
    "footer",
    "aside",
    "head",
)
# class/id words that mark navigation and page furniture.
_CHROME_RE = re.compile(
    r"(^|[-_\s])(nav|navbar|navigation|topnav|subnav|menu|menus|header|head|top|topbar|logo"
    r"|search|footer|foot|bottom|breadcrumbs?|crumbs?|sidebar|copyright|share|toolbar|related"
    r"|xgyd|xgwz|position|location|weizhi|dh|daohang)([-_\s\d]|$)"
    r"|breadcrumb|sidebar|copyright|footer|navbar",
    re.IGNORECASE,
)
BLOCK_TAGS = frozenset(
    "address article blockquote caption dd details div dl dt fieldset figcaption figure h1 h2 "
    "h3 h4 h5 h6 hr li main ol p pre section summary table tbody thead tfoot tr ul body".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]"
# A line break between two CJK characters is source wrapping, not a space (CSS Text 3).
_CJK_BREAK_RE = re.compile(rf"(?<={_CJK})[ \t\r\f]*\n\s*(?={_CJK})")
_SPACE_RE = re.compile(r"[ \t\r\n\f\u00a0]+")
# Placeholders for structure, chosen from the private-use area so page text cannot forge them.
_NL = "\ue000"
_TAB = "\ue001"
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950"}


def load_html(path: Path) -> LoadedText:
    """Read a saved web page and return its main text, with ``<title>`` as the title hint."""
    data = path.read_bytes()
    declared = declared_charset(data)
    text, encoding, warnings = decode_bytes(data, path, declared=declared)
    body, title = html_to_text(text)
    if not body.strip():
        raise NoTextError(str(path))
    return LoadedText(text=body, encoding=encoding, warnings=warnings, title_hint=title)


def declared_charset(data: bytes) -> str | None:
    """The charset named by a ``<meta charset>`` or http-equiv meta tag in the page head."""
    match = _META_CHARSET_RE.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return _ENCODING_ALIASES.get(name, name)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Main text of an HTML document, one block per line, and its ``<title>`` (or None)."""
    soup = BeautifulSoup(html.replace(_NL, "").replace(_TAB, ""), "lxml")
    title = None
    if soup.title and soup.title.string:
        title = _SPACE_RE.sub(" ", soup.title.string).strip() or None
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_chrome(tag):
            tag.decompose()
    root = _main_element(soup)
    if root is None:
        return "", title
    return _render(root), title


def _is_chrome(tag: Tag) -> bool:
    """Navigation or page furniture by class/id, unless it wraps the article itself."""
    if tag.name in ("html", "body", "main", "article"):
        return False
    classes = tag.get("class") or []
    words = " ".join(classes) if isinstance(classes, list) else str(classes)
    words += " " + str(tag.get("id") or "")
    if not _CHROME_RE.search(words):
        return False
    # A wrapper named like chrome ("article-header") around the title must not take it along.
    return tag.find(["article", "main", "h1"]) is None


def _main_element(soup: BeautifulSoup) -> Tag | None:
    """The longest <article>/<main> if there is one, else <body>, else the whole soup."""
    candidates = soup.find_all(["article", "main"])
    if candidates:
        return max(candidates, key=lambda t: len(t.get_text()))
    return soup.body or soup


def _render(root: Tag) -> str:
    for br in root.find_all("br"):
        br.replace_with(_NL)
    for tag in root.find_all(True):
        if tag.name in BLOCK_TAGS:
            tag.insert_before(_NL)
            tag.insert_after(_NL)
        elif tag.name in _CELL_TAGS:
            tag.insert_after(_TAB)
    raw = root.get_text()
    raw = _CJK_BREAK_RE.sub("", raw)
    raw = _SPACE_RE.sub(" ", raw)
    lines = []
    for line in raw.split(_NL):
        cells = [c.strip() for c in line.split(_TAB)]
        line = " | ".join(c for c in cells if c)
        if line:
            lines.append(line)
    return "\n".join(lines)
