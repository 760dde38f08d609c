"""The text of a saved web page: what a reader of the page sees of the article, one line per block (heading,
paragraph, list item), with markup, scripts, styles and page furniture (the head, navigation, the site's header,
footers, asides, forms) left out. A page's claims count their offsets in this text, since the HTML's own
characters are not what the article says."""
from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

SUFFIXES = (".html", ".htm")
_LOOKS_LIKE_HTML = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)

_SKIPPED = frozenset({"head", "title", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                      "canvas", "nav", "footer", "aside", "form", "button", "select", "textarea", "dialog", "menu"})
_SKIPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
                            "dialog", "alertdialog"})
_CONTENT = frozenset({"article", "main"})  # a <header> inside these holds the headline, not the site's banner
_BLOCKS = frozenset({"address", "article", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption",
                     "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
                     "section", "summary", "table", "caption", "tr", "ul"})
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


def is_webpage(name: str, text: str) -> bool:
    """An HTML file by its name, or a page saved under another name (``.txt``) by how it starts."""
    return name.lower().endswith(SUFFIXES) or bool(_LOOKS_LIKE_HTML.match(text))


def declared_charset(data: bytes) -> str | None:
    """The encoding a page's ``<meta charset>`` names near its top, if Python knows it."""
    m = _DECLARED_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return codecs.lookup(m[1].decode("ascii")).name
    except LookupError:
        return None


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # open elements whose content is left out
        self.content = 0  # open <article>/<main> elements
        self.pre = 0

    def _skips(self, tag: str, attrs) -> bool:
        values = dict(attrs)
        return (tag in _SKIPPED or (tag == "header" and not self.content) or "hidden" in values
                or values.get("aria-hidden") == "true" or (values.get("role") or "").lower() in _SKIPPED_ROLES)

    def handle_starttag(self, tag, attrs):
        if tag == "body" and "head" in self.skipping:  # a head left open ends where the body starts
            del self.skipping[self.skipping.index("head"):]
        if self.skipping or self._skips(tag, attrs):
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        self.content += tag in _CONTENT
        self.pre += tag == "pre"
        self._separate(tag)

    def handle_endtag(self, tag):
        if tag in self.skipping:
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if self.skipping:
            return
        self.content -= tag in _CONTENT and self.content > 0
        self.pre -= tag == "pre" and self.pre > 0
        self._separate(tag)

    def handle_startendtag(self, tag, attrs):  # <br/>, <svg/>: an element with no content
        if not self.skipping and not self._skips(tag, attrs):
            self._separate(tag)

    def _separate(self, tag: str):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data if self.pre else re.sub(r"[ \t\r\n\f]+", " ", data))


def page_text(html: str) -> str:
    """The page's article text: one line per block, spaces folded as a browser folds them, empty lines dropped."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return "".join(line + "\n" for line in lines if line)
