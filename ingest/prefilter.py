"""Literal cues a regular expression cannot match without, so a rule is tried only on sentences that have one.

Trying some 130 rule patterns on every sentence was most of extraction's time, though a sentence matches few of
them. Each pattern is parsed once (with ``re._parser``, the parser behind ``re.compile``) into the ASCII words
every match must contain, one of a few alternatives: "signed" or "inked", say. A sentence that holds none of a
rule's cues (compared in lower case, as the rules ignore case) cannot match it. A pattern with no such words
(only slots and character classes) gets no cues and is always tried.
"""
from __future__ import annotations

import re
import re._constants as c
import re._parser as parser

_MIN_CUE = 3  # shorter words ("a", "of") are in nearly every sentence and would filter nothing
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


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """Of several requirements that all hold, the most selective: the one whose weakest cue tells most."""
    options = [o for o in options if o and min(map(len, o)) >= _MIN_CUE]
    return max(options, key=lambda o: (min(map(_weight, o)), min(map(len, o)), -len(o))) if options else None


def _required(items) -> frozenset[str] | None:
    """Cues every match of this parsed sequence contains (any one of them), or None if there are none."""
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
            options.append(_required(arg[-1]))
        elif op is c.ATOMIC_GROUP:
            options.append(_required(arg))
        elif op is c.BRANCH:
            branches = [_required(branch) for branch in arg[1]]
            if all(branches):
                options.append(frozenset().union(*branches))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            options.append(_required(arg[2]))
    close_run()
    return _best([o for o in options if o])


def cues(regex: re.Pattern) -> tuple[str, ...] | None:
    """The words (lower case) of which every match of ``regex`` contains at least one; None when unknown."""
    found = _required(parser.parse(regex.pattern, regex.flags))
    return tuple(sorted(found)) if found else None


def _trie_regex(words) -> str:
    """A regex matching any of ``words``, built from their prefix trie so that it matches the longest."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        branches = [re.escape(k) + emit(v) for k, v in node.items() if k]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


class CueIndex:
    """Which of many cue sets a sentence meets, in one scan of the sentence rather than a test per cue.

    The scan finds, at every position, the longest cue word starting there; every cue starting at the same
    position is a prefix of that one, so each match stands for its precomputed prefixes too.
    """

    def __init__(self, cue_sets: list[tuple[str, ...] | None]):
        self.always = frozenset(i for i, cues_ in enumerate(cue_sets) if cues_ is None)
        self.by_word: dict[str, list[int]] = {}
        for i, cues_ in enumerate(cue_sets):
            for word in cues_ or ():
                self.by_word.setdefault(word, []).append(i)
        words = sorted(self.by_word)
        self.scan = re.compile(f"(?=({_trie_regex(words)}))") if words else None
        self.sets_of = {m: sorted({i for w in words if m.startswith(w) for i in self.by_word[w]}) for m in words}

    def met(self, lowered: str) -> set[int]:
        """The indexes of the cue sets ``lowered`` (a lower-cased sentence) meets, cue-less ones included."""
        found = set(self.always)
        if self.scan is not None:
            for m in self.scan.finditer(lowered):
                found.update(self.sets_of[m.group(1)])
        return found
