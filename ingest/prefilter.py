"""Literal cues a regular expression cannot match without, so a rule is tried only on sentences that have one.

Trying some 130 rule patterns on every sentence was most of extraction's time, though a sentence matches few of
them. Each pattern is parsed once (with ``re._parser``, the parser behind ``re.compile``) into the ASCII words
every match must contain: a few requirements, each met by one of a few alternatives ("signed" or "inked", and
"treaty"). A sentence that fails one of a rule's requirements (compared in lower case, as the rules ignore case)
cannot match it. A pattern with no such words (only slots and character classes) gets no cues and is always
tried.
"""
from __future__ import annotations

import re
import re._constants as c
import re._parser as parser

_MIN_CUE = 3  # shorter words ("a", "of") are in nearly every sentence and would filter nothing
_MOST = 3  # requirements kept per pattern: the most telling; each one more costs a little on every sentence
# words in most sentences: a rule is better told by any other word it needs
_COMMON = {"and", "to", "the", "with", "in", "of", "from", "for", "by", "on", "at", "as", "is", "was", "that",
           "has", "have", "its", "their", "his", "her", "said", "between", "into", "over", "after", "which"}


def _literal_runs(chars: list[int]) -> list[str]:
    """Lower-case ASCII runs of a sequence of literal characters (others break the run: case folding of
    non-ASCII letters differs between ``str.lower`` and the regex engine)."""
    text = "".join(chr(ch) if ch < 128 else "\0" for ch in chars).lower()
    return [run for run in text.split("\0") if run]


def _weight(cue: str) -> int:
    """How well a cue tells sentences apart: common words and bits of words (3 letters) tell least."""
    word = cue.strip()
    return 0 if word in _COMMON else 1 if len(word) < 4 else len(word)


def _usable(option: frozenset[str]) -> bool:
    return bool(option) and min(map(len, option)) >= _MIN_CUE


def _telling(option: frozenset[str]) -> tuple:
    """How well a requirement tells sentences apart: by its weakest cue, then its shortest, then fewest cues."""
    return min(map(_weight, option)), min(map(len, option)), -len(option)


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """Of several requirements that all hold, the most selective."""
    return max(options, key=_telling) if options else None


def _required(items) -> list[frozenset[str]]:
    """The requirements every match of this parsed sequence meets: each a set of cues, one of which it contains."""
    options: list[frozenset[str]] = []
    chars: list[int] = []

    def close_run():
        options.extend(frozenset([run]) for run in _literal_runs(chars))
        chars.clear()

    for op, arg in items:
        if op is c.LITERAL:
            chars.append(arg)
            continue
        close_run()
        if op is c.SUBPATTERN:
            options += _required(arg[-1])
        elif op is c.ATOMIC_GROUP:
            options += _required(arg)
        elif op is c.BRANCH:
            branches = [_best(_required(branch)) for branch in arg[1]]
            if all(branches):
                options.append(frozenset().union(*branches))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            options += _required(arg[2])
    close_run()
    return list(dict.fromkeys(o for o in options if _usable(o)))


def cues(regex: re.Pattern) -> tuple[tuple[str, ...], ...] | None:
    """Requirements (words in lower case) every match of ``regex`` meets, each by containing one of its words:
    the most telling few, common words only when there is nothing better; None when there are none."""
    options = sorted(_required(parser.parse(regex.pattern, regex.flags)), key=_telling, reverse=True)
    telling = [o for o in options if min(map(_weight, o)) > 0][:_MOST] or options[:1]
    return tuple(tuple(sorted(o)) for o in telling) or None


def trie_regex(words, separators: dict[str, str] | None = None) -> str:
    """A regex matching any of ``words``, built from their prefix trie so that it matches the longest; each
    character in ``separators`` stands for its regex there ("-" for ``[\\s\\-]*``)."""
    separators = separators or {}
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(separators.get(ch, re.escape(ch)), {})
        node[""] = {}

    def emit(node) -> str:
        branches = [k + emit(v) for k, v in node.items() if k]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


class CueIndex:
    """Which of many patterns' requirements a sentence meets, in one scan of the sentence rather than a test per cue.

    The scan finds, at every position, the longest cue word starting there; every cue starting at the same
    position is a prefix of that one, so each match stands for its precomputed prefixes too.
    """

    def __init__(self, requirements: dict[int, tuple[tuple[str, ...], ...] | None]):
        """``requirements``: each pattern's, by its index (None: it has none, and is always met)."""
        self.always = frozenset(i for i, needs in requirements.items() if not needs)
        self.needs = {i: len(needs) for i, needs in requirements.items() if needs}
        by_word: dict[str, set[tuple[int, int]]] = {}  # cue -> (pattern, requirement) pairs it meets
        for i, needs in requirements.items():
            for n, words in enumerate(needs or ()):
                for word in words:
                    by_word.setdefault(word, set()).add((i, n))
        words = sorted(by_word)
        self.scan = re.compile(f"(?=({trie_regex(words)}))") if words else None
        self.pairs_of = {m: frozenset().union(*(by_word[w] for w in words if m.startswith(w))) for m in words}

    def met(self, lowered: str) -> set[int]:
        """The indexes of the patterns whose every requirement ``lowered`` (a lower-cased sentence) meets,
        those without requirements included."""
        found = set(self.always)
        if self.scan is not None:
            pairs = set()
            for m in self.scan.finditer(lowered):
                pairs |= self.pairs_of[m.group(1)]
            met_count: dict[int, int] = {}
            for i, _ in pairs:
                met_count[i] = met_count.get(i, 0) + 1
            found.update(i for i, n in met_count.items() if n == self.needs[i])
        return found


DIGIT = "\0"  # in a beginning, any decimal digit: \d matches every Unicode one ("૦"), too many to list


def _fold(ch: str) -> str:
    """A character as the guard spells it: ASCII in lower case; any other as it is, since ``str.lower`` may make
    two characters of one ("İ") where the regex engine's case folding keeps one."""
    return ch.lower() if ch.isascii() else ch


def _class_chars(items) -> set[str] | None:
    """The characters a small character class matches; None for a large or negated one (``\\w``, ``[^a]``)."""
    chars: set[str] = set()
    for op, arg in items:
        if op is c.LITERAL:
            chars.add(_fold(chr(arg)))
        elif op is c.RANGE and arg[1] - arg[0] <= 30:
            chars.update(_fold(chr(ch)) for ch in range(arg[0], arg[1] + 1))
        elif op is c.CATEGORY and arg is c.CATEGORY_DIGIT:
            chars.add(DIGIT)
        else:
            return None
    return chars


def _beginnings(items, length: int) -> set[tuple[str, bool]]:
    """How matches of a parsed sequence begin: (text, whether the match is that text so far and may go on) pairs,
    texts cut at ``length``; a text stops growing where the next element cannot be spelled out (an empty text:
    the sequence may begin with anything)."""
    current = {("", True)}
    for op, arg in items:
        if not any(open_ for _, open_ in current):
            break
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # zero width: "\b", lookarounds
            continue
        pieces: set[tuple[str, bool]] | None = None
        if op is c.LITERAL:
            pieces = {(_fold(chr(arg)), True)}
        elif op is c.IN:
            chars = _class_chars(arg)
            pieces = None if chars is None else {(ch, True) for ch in chars}
        elif op is c.SUBPATTERN:
            pieces = _beginnings(arg[-1], length)
        elif op is c.BRANCH:
            pieces = set().union(*(_beginnings(branch, length) for branch in arg[1]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            once = _beginnings(arg[2], length)
            pieces = once if arg[1] == 1 else {(text, False) for text, _ in once}
            if arg[0] == 0:
                pieces.add(("", True))
        if pieces is None:  # what follows cannot be spelled out: every beginning so far is final
            current = {(text, False) for text, _ in current}
            continue
        grown = set()
        for text, open_ in current:
            if not open_:
                grown.add((text, False))
                continue
            for piece, piece_open in pieces:
                grown.add(((text + piece)[:length], piece_open and len(text + piece) < length))
        current = grown
    return current


def first_letters(patterns: list[str], length: int = 3) -> list[str] | None:
    """The shortest beginnings (at most ``length`` characters, ASCII in lower case) one of which starts every match
    of any of ``patterns``: a lookahead on them turns away most positions before a long alternation is tried there.
    None when some match may start with a character that cannot be spelled out (``\\w``, ``.``)."""
    found: set[str] = set()
    for pattern in patterns:
        beginnings = _beginnings(parser.parse(pattern, 0), length)
        if any(not text for text, _ in beginnings):
            return None
        found.update(text for text, _ in beginnings)
    return sorted(w for w in found if not any(w != v and w.startswith(v) for v in found))


def first_letters_guard(patterns: list[str]) -> str:
    """A case-blind lookahead for the first letters of ``patterns`` (see ``first_letters``), to put before their
    alternation; empty when they cannot be spelled out."""
    letters = first_letters(patterns)
    return "(?=(?i:" + trie_regex(letters, {DIGIT: r"\d"}) + "))" if letters else ""
