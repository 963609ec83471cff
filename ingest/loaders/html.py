"""HTML loader: the page's main text as Markdown-ish lines, without menus, headers and footers.

Ministry pages repeat the same navigation on every page; indexed, it would match every query.
The tree is walked with an explicit stack (never recursion) so hostile, deeply nested markup
yields text or a clean error instead of a RecursionError.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from bs4.element import CData, ProcessingInstruction

from core.errors import DocumentParseError
from core.models import Page, ParsedDocument
from ingest.loaders.text import decode_text, read_bytes
from ingest.metadata import normalize_date, normalize_language

logger = logging.getLogger(__name__)

DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript",
             "template", "svg", "iframe", "button", "select", "head")
_NOISE_TOKENS = frozenset({"nav", "navbar", "navigation", "menu", "menubar", "breadcrumb",
                           "breadcrumbs", "sidebar", "footer", "cookie", "cookies", "consent",
                           "skip", "share", "social"})
_NOISE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu"})
_KEEP_TAGS = frozenset({"html", "body", "main", "article"})
_SKIP_STRINGS = (Comment, Declaration, Doctype, CData, ProcessingInstruction)
_BLOCK_TAGS = frozenset({"p", "div", "section", "table", "ul", "ol", "dl", "blockquote", "pre",
                         "figure", "figcaption", "address", "main", "article", "hr", "details"})
_LINE_TAGS = frozenset({"li", "tr", "br", "dt", "dd", "caption", "summary"})
_HEADING_RE = re.compile(r"h[1-6]")
_SPACE_RE = re.compile(r"[ \t\r\n\f]+")
_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)
_META_KEYS = {"description": "description", "author": "author", "date": "date",
              "dc.date": "date", "dcterms.date": "date", "article:published_time": "date",
              "dc.title": "title", "keywords": "keywords"}


def _decode_html(data: bytes, path: Path | str) -> str:
    """UTF-8/UTF-16 as for text; otherwise only an explicitly declared charset is trusted."""
    try:
        return decode_text(data, path)
    except DocumentParseError as exc:
        declared = _CHARSET_RE.search(data[:4096])
        charset = declared.group(1).decode("ascii").lower() if declared else ""
        if not exc.reason.startswith("not valid UTF-8") or charset in ("", "utf-8", "utf8"):
            raise
        try:
            return data.decode(charset).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError):
            raise exc from None


def _is_noise(tag: Tag, in_content: bool) -> bool:
    if tag.name in _KEEP_TAGS:
        return False
    if tag.name == "header" and in_content:
        return False  # an article's own header holds its title
    if tag.name in DROP_TAGS:
        return True
    attrs = tag.attrs or {}
    if str(attrs.get("role", "")).lower() in _NOISE_ROLES or attrs.get("aria-hidden") == "true":
        return True
    classes = attrs.get("class")
    class_words = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    words = f"{class_words} {attrs.get('id') or ''}"
    return any(token in _NOISE_TOKENS for token in re.split(r"[\s_-]+", words.lower()))


def _noise_tags(soup: BeautifulSoup) -> list[Tag]:
    """Outermost noise elements, found in one iterative pass (no per-tag ancestor walks)."""
    found: list[Tag] = []
    stack: list[tuple[Tag, bool]] = [(soup, False)]
    while stack:
        node, in_content = stack.pop()
        for child in node.contents:
            if not isinstance(child, Tag):
                continue
            if _is_noise(child, in_content):
                found.append(child)
            else:
                stack.append((child, in_content or child.name in ("main", "article")))
    return found


def _top_level(tags: list[Tag]) -> list[Tag]:
    """Drop tags nested inside an earlier one, in linear time."""
    inside: set[int] = set()
    top: list[Tag] = []
    for tag in tags:
        if id(tag) in inside:
            continue
        top.append(tag)
        inside.update(id(t) for t in tag.descendants if isinstance(t, Tag))
    return top


def _metadata(soup: BeautifulSoup) -> dict[str, object]:
    meta: dict[str, object] = {}
    html = soup.find("html")
    if isinstance(html, Tag) and html.get("lang"):
        meta["language"] = normalize_language(html["lang"])
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = tag.get("content")
        if key in _META_KEYS and content and _META_KEYS[key] not in meta:
            meta[_META_KEYS[key]] = str(content).strip()
    if "date" in meta:
        meta["date"] = normalize_date(meta["date"])
    title = soup.find("title")
    if isinstance(title, Tag) and title.get_text(strip=True):
        meta["title"] = " ".join(title.get_text().split())
    else:
        h1 = soup.find("h1")
        if isinstance(h1, Tag) and h1.get_text(strip=True):
            meta["title"] = " ".join(h1.get_text().split())
    return meta


class _Emitter:
    """Collects text runs, pending line breaks (1 = new line, 2 = blank line) and line prefixes.

    A prefix ("## ", "3. ") is written only with the next real text, so a heading or list item
    whose text sits inside nested blocks still comes out on one line.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = 0
        self.prefix: str | None = None
        self.owner: object = None

    def brk(self, lines: int) -> None:
        if self.prefix is None:
            self.pending = max(self.pending, lines)

    def start_line(self, prefix: str, lines: int, owner: object) -> None:
        self.prefix = None
        self.brk(lines)
        self.prefix, self.owner = prefix, owner

    def end_line(self, lines: int, owner: object) -> None:
        if self.owner is owner:  # the heading/item ended without text: forget its prefix
            self.prefix = self.owner = None
        self.brk(lines)

    def text(self, value: str) -> None:
        value = _SPACE_RE.sub(" ", value)
        if not value.strip() and (self.prefix is not None or self.pending):
            return
        if self.pending and self.parts:
            self.parts.append("\n" * self.pending)
        self.pending = 0
        if self.prefix is not None:
            self.parts.append(self.prefix)
            self.prefix = self.owner = None
        self.parts.append(value)

    def result(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def _enter(tag: Tag, out: _Emitter, list_counters: list[int], cell_counts: list[int]) -> None:
    name = tag.name
    if _HEADING_RE.fullmatch(name):
        out.start_line("#" * int(name[1]) + " ", 2, tag)
    elif name == "li":
        marker = ""
        if list_counters and list_counters[-1] >= 0:
            list_counters[-1] += 1
            marker = f"{list_counters[-1]}. "
        out.start_line(marker, 1, tag)
    elif name in ("td", "th"):
        if cell_counts and cell_counts[-1]:
            out.text(" | ")
        if cell_counts:
            cell_counts[-1] += 1
    elif name in _BLOCK_TAGS:
        out.brk(2)
    elif name in _LINE_TAGS:
        out.brk(1)
    if name in ("ol", "ul"):
        list_counters.append(0 if name == "ol" else -1)
    elif name == "tr":
        cell_counts.append(0)


def _exit(tag: Tag, out: _Emitter, list_counters: list[int], cell_counts: list[int]) -> None:
    name = tag.name
    if name in ("ol", "ul") and list_counters:
        list_counters.pop()
    elif name == "tr" and cell_counts:
        cell_counts.pop()
    if _HEADING_RE.fullmatch(name) or name in _BLOCK_TAGS:
        out.end_line(2, tag)
    elif name in _LINE_TAGS:
        out.end_line(1, tag)


def extract_text(root: Tag) -> str:
    """Walk ``root`` iteratively, emitting headings as ``#`` lines and blocks as paragraphs."""
    out = _Emitter()
    list_counters: list[int] = []
    cell_counts: list[int] = []
    stack: list[tuple[Tag, int]] = [(root, 0)]
    _enter(root, out, list_counters, cell_counts)
    while stack:
        node, index = stack[-1]
        if index >= len(node.contents):
            stack.pop()
            _exit(node, out, list_counters, cell_counts)
            continue
        stack[-1] = (node, index + 1)
        child = node.contents[index]
        if isinstance(child, Tag):
            _enter(child, out, list_counters, cell_counts)
            stack.append((child, 0))
        elif isinstance(child, NavigableString) and not isinstance(child, _SKIP_STRINGS):
            out.text(str(child))
    return out.result()


def parse_html(text: str, path: Path | str) -> ParsedDocument:
    """One document from HTML source."""
    soup = BeautifulSoup(text, "lxml")
    meta = _metadata(soup)
    for tag in _noise_tags(soup):
        tag.decompose()
    main = soup.find("main")
    articles = _top_level(soup.find_all("article")) if main is None else []
    content = ""
    if isinstance(main, Tag):
        content = extract_text(main)
    elif articles:
        content = "\n\n".join(t for t in (extract_text(a) for a in articles) if t)
    if not content:  # no main/article, or an empty one: fall back to the whole (cleaned) body
        body = soup.find("body")
        content = extract_text(body if isinstance(body, Tag) else soup)
    if not content:
        raise DocumentParseError(path, "no text found in the HTML (only navigation or scripts?)")
    return ParsedDocument(pages=[Page(number=1, text=content, method="html")], metadata=meta)


def load_html(path: Path) -> list[ParsedDocument]:
    """Loader for ``.html`` / ``.htm`` files."""
    return [parse_html(_decode_html(read_bytes(path), path), path)]
