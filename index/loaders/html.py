"""Saved web pages: honour the page's charset, keep the article, drop the page chrome.

By hand rather than trafilatura: the rules are few, visible and testable, and nothing
executable can reach the text — scripts, styles, frames, forms and comments are dropped
before any text is read, and attributes other than ``class``/``id`` (``on*`` handlers,
``javascript:`` URLs) are never read at all.

Linear in the page, whatever its shape: lxml's parser feeds events to a small tree of our
own (``_Node``; lxml's own tree silently drops everything below depth 256, and
BeautifulSoup's insertions scanned each parent's children per tag: 20,000 ``<p>`` took
78 s), and every pass over it is a loop with an explicit stack, so 100,000 nested
``<div>`` cost no more than 100,000 siblings and never a ``RecursionError``:

1. build the tree (comments, processing instructions and doctypes never enter it);
2. bottom-up, which elements hold an ``<article>``/``<main>``/``<h1>`` (outside dropped tags);
3. top-down, drop ``DROP_TAGS`` and chrome (navigation by class/id) not wrapping the article;
4. the main element: the longest surviving ``<article>``/``<main>``, else ``<body>``;
5. render it: block elements become line breaks, table cells `` | ``.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from core.errors import NoTextError
from index.loaders import reasons
from index.loaders.limits import Limits
from index.loaders.text import decode_bytes
from index.types import LoadedText

# Elements whose content is never article text.
DROP_TAGS = frozenset(
    (
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
_MAIN_TAGS = frozenset(("article", "main"))
_KEEP_TAGS = frozenset(("article", "main", "h1"))  # a chrome-named wrapper of these stays
_NEVER_CHROME = frozenset(("html", "body", "main", "article"))
_PRESERVE_TAGS = frozenset(("pre", "textarea"))
_ASCII_SPACES = " \n\t\f\r"
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]"
# A line break between two CJK characters is source wrapping, not a space (CSS Text 3).
_CJK_BREAK_RE = re.compile(rf"(?<={_CJK})[ \t\r\f]*\n\s*(?={_CJK})")
_SPACE_RE = re.compile(r"[ \t\r\n\f\u00a0]+")
# Placeholders for structure, chosen from the private-use area so page text cannot forge them.
_NL = "\ue000"
_TAB = "\ue001"
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950"}


def load_html(path: Path, limits: Limits | None = None) -> LoadedText:
    """Read a saved web page and return its main text, with ``<title>`` as the title hint."""
    data = path.read_bytes()
    declared = declared_charset(data)
    text, encoding, warnings = decode_bytes(data, path, declared=declared)
    del data  # the page can be tens of MB: hold the bytes or the text, not both
    body, title = html_to_text(text)
    if not body.strip():
        raise NoTextError(str(path), reasons.NO_TEXT)
    return LoadedText(text=body, encoding=encoding, warnings=warnings, title_hint=title)


def declared_charset(data: bytes) -> str | None:
    """The charset named by a ``<meta charset>`` or http-equiv meta tag in the page head."""
    match = _META_CHARSET_RE.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return _ENCODING_ALIASES.get(name, name)


class _Node:
    """One element: its tag, the class/id words chrome is judged by, children in order
    (``_Node`` or text), and the marks the passes set."""

    __slots__ = ("tag", "words", "children", "keep", "dropped", "chars")

    def __init__(self, tag: str, words: str):
        self.tag = tag
        self.words = words
        self.children: list[_Node | str] = []
        self.keep = False  # holds an article/main/h1 outside dropped tags
        self.dropped = False
        self.chars = 0  # length of its surviving text


class _TreeBuilder:
    """lxml parser target: elements and text only, whatever the depth.

    Text between two tags becomes one string, and outside ``<pre>``/``<textarea>`` one of
    ASCII whitespace only becomes a single space or newline, as BeautifulSoup did: which
    ``<article>`` is the longest is decided on the same lengths as before.
    """

    def __init__(self) -> None:
        self.root = _Node("", "")
        self.stack = [self.root]
        self.title: _Node | None = None
        self.body: _Node | None = None
        self._pending: list[str] = []
        self._names: dict[str, str] = {}
        self._preserving = 0  # open <pre>/<textarea> elements

    def _flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        if not self._preserving and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        self.stack[-1].children.append(text)

    def start(self, tag, attrib) -> None:
        self._flush()
        if not isinstance(tag, str):  # lxml passes entities and the like as non-str tags
            tag = str(tag)
        # One string object per distinct name and class/id: a page repeats them by the
        # hundred thousand, and each copy would cost more than the node itself.
        words = f"{attrib.get('class', '')} {attrib.get('id', '')}"
        node = _Node(self._names.setdefault(tag, tag), self._names.setdefault(words, words))
        self.stack[-1].children.append(node)
        self.stack.append(node)
        if tag in _PRESERVE_TAGS:
            self._preserving += 1
        if tag == "title" and self.title is None:
            self.title = node
        elif tag == "body" and self.body is None:
            self.body = node

    def end(self, tag) -> None:
        self._flush()
        if len(self.stack) > 1 and self.stack.pop().tag in _PRESERVE_TAGS:
            self._preserving -= 1

    def data(self, text: str) -> None:
        self._pending.append(text)

    def comment(self, text: str) -> None:
        """Comments never reach the text (but end the text before them)."""
        self._flush()

    def close(self) -> _Node:
        self._flush()
        return self.root


def html_to_text(html: str) -> tuple[str, str | None]:
    """Main text of an HTML document, one block per line, and its ``<title>`` (or None)."""
    builder = _TreeBuilder()
    parser = etree.HTMLParser(target=builder, recover=True, no_network=True)
    parser.feed(html.replace(_NL, "").replace(_TAB, ""))
    parser.close()
    title = _title(builder.title)
    nodes = _preorder(builder.root)
    _mark_keep(nodes)
    candidates = _mark_dropped(builder.root)
    if candidates:
        _count_chars(_preorder(builder.root))
        root = max(candidates, key=lambda n: n.chars)  # the first of equals, as document order
    elif builder.body is not None and not builder.body.dropped:
        root = builder.body
    else:
        root = builder.root
    return _render(root), title


def _title(node: _Node | None) -> str | None:
    """The title's text when it is one string (as BeautifulSoup's ``.string``)."""
    if node is None or len(node.children) != 1 or not isinstance(node.children[0], str):
        return None
    return _SPACE_RE.sub(" ", node.children[0]).strip() or None


def _preorder(root: _Node) -> list[_Node]:
    """Every element under ``root`` (itself included) in document order, skipping dropped ones."""
    order, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.dropped:
            continue
        order.append(node)
        stack.extend(c for c in reversed(node.children) if isinstance(c, _Node))
    return order


def _mark_keep(nodes: list[_Node]) -> None:
    """Bottom-up: which elements hold an article/main/h1 that is not inside a dropped tag."""
    for node in reversed(nodes):  # every descendant before its ancestor
        if node.tag in DROP_TAGS:
            continue
        for child in node.children:
            if isinstance(child, _Node) and child.tag not in DROP_TAGS:
                if child.keep or child.tag in _KEEP_TAGS:
                    node.keep = True
                    break


def _mark_dropped(root: _Node) -> list[_Node]:
    """Top-down: drop code, forms and chrome; return the surviving article/main elements."""
    candidates, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.tag in DROP_TAGS or _is_chrome(node):
            node.dropped = True
            continue
        if node.tag in _MAIN_TAGS:
            candidates.append(node)
        stack.extend(c for c in reversed(node.children) if isinstance(c, _Node))
    return candidates


def _is_chrome(node: _Node) -> bool:
    """Navigation or page furniture by class/id, unless it wraps the article itself."""
    if node.tag in _NEVER_CHROME or not _CHROME_RE.search(node.words):
        return False
    # A wrapper named like chrome ("article-header") around the title must not take it along.
    return not node.keep


def _count_chars(nodes: list[_Node]) -> None:
    """Bottom-up: the length of each surviving element's text."""
    for node in reversed(nodes):
        node.chars = sum(
            len(c) if isinstance(c, str) else (0 if c.dropped else c.chars) for c in node.children
        )


def _render(root: _Node) -> str:
    """Text under ``root``: a block element is a line of its own, a cell ends with a tab."""
    pieces: list[str] = []
    stack: list[_Node | str] = list(reversed(root.children))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        if item.dropped:
            continue
        if item.tag == "br":
            pieces.append(_NL)
            continue
        if item.tag in BLOCK_TAGS:
            pieces.append(_NL)
            stack.append(_NL)
        elif item.tag in _CELL_TAGS:
            stack.append(_TAB)
        stack.extend(reversed(item.children))
    raw = "".join(pieces)
    raw = _CJK_BREAK_RE.sub("", raw)
    raw = _SPACE_RE.sub(" ", raw)
    lines = []
    for line in raw.split(_NL):
        cells = [c.strip() for c in line.split(_TAB)]
        line = " | ".join(c for c in cells if c)
        if line:
            lines.append(line)
    return "\n".join(lines)
