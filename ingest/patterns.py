"""Extraction rules as data: the lexicon, claim-type settings and rule files under ``ingest/patterns/``,
plus any extra folders of ``*.toml`` rule files a user names (``--patterns DIR``)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from . import prefilter
from .errors import UserError

# Token kinds of a masked sentence (see ingest.extract) and the slot kinds rules may use.
TOKEN_KINDS = {
    "STATE": "⟨S\\d+⟩", "ADJ": "⟨A\\d+⟩", "PERSON": "⟨P\\d+⟩", "ORG": "⟨O\\d+⟩", "DATE": "⟨D\\d+⟩",
    "NUM": "⟨N\\d+⟩", "ACTOR": "⟨[SAPO]\\d+⟩",
}
TOKEN_KINDS["ACTORS"] = "{0}(?:(?:,\\s*(?:and\\s+)?|\\s+and\\s+|\\s+&\\s+){0})*".format(TOKEN_KINDS["ACTOR"])
ROLES = {"actor", "counterpart", "place", "quantity", "date", "treaty", "against", "office"}
RESERVED = {"lexicon.toml", "claim_types.toml", "boilerplate.toml", "sentences.toml"}
_PLACEHOLDER = re.compile(r"\{(?:(?P<role>[a-z_]+):)?(?P<kind>[A-Z_]+)\}")


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    regex: re.Pattern
    source: str  # the file it came from, for error messages and provenance
    context: tuple[str, ...] = ()
    collapse: bool = False
    title_only: bool = False  # a collapse rule naming an office, not a person ("the Kenyan president")
    stands_for: str | None = None  # a collapse rule whose match reads as this slot's entity
    negatable: bool = True  # False for a noun phrase ("the EU's sanctions on Russia"): a verb around it
    # ("Serbia has not joined ...") does not deny it
    certainty: str | None = None  # fixed certainty: "hedged" for an accusation, "asserted" for a warning
    place_role: str | None = None
    office_state: bool = False  # a leader_of rule naming no state: the one whose office the person holds
    coordinated: re.Pattern | None = None  # the reading through a first coordinated predicate ({AND_THEN})
    cues: tuple[tuple[str, ...], ...] | None = None  # words every match contains, one of each tuple (ingest.prefilter)
    coordinated_cues: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True)
class Cues:
    hedge: re.Pattern
    hedge_ahead: re.Pattern
    planned: re.Pattern
    negation: re.Pattern
    reversal: re.Pattern
    anaphora: re.Pattern


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    claim_types: dict[str, dict]
    cues: Cues
    deployment_roles: tuple[tuple[str, re.Pattern], ...]
    treaty_types: tuple[tuple[str, re.Pattern], ...]
    macros: dict[str, str]
    office_synonyms: dict[str, str]
    organization_name: re.Pattern  # names of organizations the reference data may lack

    @cached_property
    def cue_index(self) -> prefilter.CueIndex:
        """The rules' cues (index i) and their coordinated readings' (index len(rules) + i)."""
        count = len(self.rules)
        return prefilter.CueIndex({**{i: r.cues for i, r in enumerate(self.rules)},
                                   **{count + i: r.coordinated_cues for i, r in enumerate(self.rules) if r.coordinated}})

    def office_key(self, title: str) -> str:
        """An office title folded for comparison: "the Defense Minister" and "minister of defence" agree."""
        key = re.sub(r"\s+", " ", re.sub(r"^(?:the|former|acting|interim|then-)\s+", "", title.strip().lower()))
        key = key.replace("defense", "defence")
        return self.office_synonyms.get(key, key)


def _read_toml(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{name}: not valid TOML ({e})") from None


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    seen_roles: dict[str, int] = {}

    def replace(m: re.Match) -> str:
        role, kind = m["role"], m["kind"]
        body = TOKEN_KINDS.get(kind) or macros.get(kind)
        if body is None:
            raise UserError(f"{where}: unknown slot or macro {{{kind}}}")
        if role is None:
            return f"(?:{body})"
        if role not in ROLES:
            raise UserError(f"{where}: unknown role {role!r} (roles: {', '.join(sorted(ROLES))})")
        # The same role in two alternatives: a group name may stand only once, so later ones get a suffix.
        seen_roles[role] = seen_roles.get(role, 0) + 1
        name = role if seen_roles[role] == 1 else f"{role}__{seen_roles[role]}"
        return f"(?P<{name}>{body})"

    return _PLACEHOLDER.sub(replace, pattern)


def _compile(pattern: str) -> re.Pattern:
    """A rule's regex, led by a lookahead on the letters its matches can start with: it is tried at every position
    of a sentence, and most positions fail that lookahead at once (as the date scan does)."""
    try:
        return re.compile(prefilter.first_letters_guard([pattern]) + pattern, re.IGNORECASE)
    except re.error:  # the rule's own error, raised again here, or a pattern that must start with its flags, "(?x)"
        return re.compile(pattern, re.IGNORECASE)


def _compile_rules(raw: dict, name: str, macros: dict[str, str], claim_types: dict) -> list[Rule]:
    rules = []
    for entry in raw.get("rule", []):
        where = f"{name}: rule {entry.get('id', '?')}"
        missing = {"id", "type", "pattern"} - entry.keys()
        if missing:
            raise UserError(f"{where}: missing {', '.join(sorted(missing))}")
        if entry["type"] not in claim_types:
            raise UserError(f"{where}: unknown claim type {entry['type']!r}")
        try:
            plain = entry["pattern"].replace("{AND_THEN}", "")
            regex = _compile(_expand(plain, macros, where))
            coordinated = None
            if "{AND_THEN}" in entry["pattern"]:
                through = entry["pattern"].replace("{AND_THEN}", f"(?P<and_then>{macros['AND_THEN']})", 1)
                coordinated = _compile(_expand(through, macros, where))
        except re.error as e:
            raise UserError(f"{where}: bad pattern ({e})") from None
        rules.append(Rule(entry["id"], entry["type"], regex, name, tuple(entry.get("context", ())),
                          bool(entry.get("collapse", False)), bool(entry.get("title_only", False)),
                          entry.get("stands_for"), bool(entry.get("negatable", True)), entry.get("certainty"),
                          entry.get("place_role"), bool(entry.get("office_state", False)), coordinated,
                          prefilter.cues(regex), prefilter.cues(coordinated) if coordinated else None))
    return rules


def _rule_files(extra_dirs: tuple[str, ...]):
    packaged = resources.files("ingest").joinpath("patterns")
    for item in sorted(packaged.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml") and item.name not in RESERVED:
            yield f"ingest/patterns/{item.name}", item.read_text("utf-8")
    for folder in extra_dirs:
        path = Path(folder)
        if not path.is_dir():
            raise UserError(f"--patterns {folder}: not a folder")
        for file in sorted(path.glob("*.toml")):
            yield str(file), file.read_text("utf-8")


@lru_cache(maxsize=8)
def load(extra_dirs: tuple[str, ...] = ()) -> RuleSet:
    """The packaged rules, then those in ``extra_dirs``. Collapse rules (office holders) run first; rules that
    read every party from the sentence run before those that may borrow one from context."""
    folder = resources.files("ingest").joinpath("patterns")
    lexicon = _read_toml(folder.joinpath("lexicon.toml").read_text("utf-8"), "lexicon.toml")
    claim_types = _read_toml(folder.joinpath("claim_types.toml").read_text("utf-8"), "claim_types.toml")
    macros: dict[str, str] = {}
    for key, value in lexicon["macros"].items():  # macros may use earlier macros
        macros[key] = _expand(value, macros, f"lexicon.toml: macro {key}")
    rules: list[Rule] = []
    for name, text in _rule_files(extra_dirs):
        raw = _read_toml(text, name)
        macros_here = dict(macros)
        for key, value in raw.get("macros", {}).items():
            macros_here[key] = _expand(value, macros_here, f"{name}: macro {key}")
        rules.extend(_compile_rules(raw, name, macros_here, claim_types))
    rules.sort(key=lambda r: (not r.collapse, bool(r.context)))
    cues = lexicon["cues"]
    return RuleSet(
        tuple(rules), claim_types,
        Cues(_any(cues["hedge"]), _any(cues["hedge_ahead"]), _any(cues["planned"]), _any(cues["negation"]),
             _any(cues["reversal"]), _any(cues["anaphora"])),
        tuple((k, re.compile(v, re.IGNORECASE)) for k, v in lexicon["deployment_roles"].items()),
        tuple((k, re.compile(v, re.IGNORECASE)) for k, v in lexicon["treaty_types"].items()),
        macros,
        dict(lexicon["office_synonyms"]),
        re.compile(lexicon["discovery"]["organization"]),
    )
