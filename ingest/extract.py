"""Claims from an article: mentions become tokens, rules match the masked sentences, roles are resolved.

A masked sentence replaces every mention with a token naming its kind and index, e.g.
"⟨A0⟩ soldiers have started arriving in ⟨S1⟩'s Pacific region", so that rules (ingest/patterns/*.toml) speak
of slots rather than of names. Each claim keeps the span of its whole sentence as evidence.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date

from ontology.terms import ID

from .dates import DateValue, find_dates
from .gazetteer import DEMONYM, ORG, PERSON, STATE, Entity, Gazetteer
from .numbers import QUANTITY_RE, Quantity, parse_quantity
from .patterns import Rule, RuleSet
from .reader import Article
from .sentences import split_sentences

CONTEXT_SENTENCES = 3  # how far back a rule's missing role may be looked up
NEGATION_LOOKBACK = 60  # characters before a match searched for a negation cue, within its clause
REVERSAL_LOOKAHEAD = 40
_TOKEN = re.compile(r"⟨([SAPODN])(\d+)⟩")
_STATE_TOKEN = re.compile(r"⟨[SA](\d+)⟩")


@dataclass(frozen=True)
class Treaty:
    key: str
    name: str | None
    types: frozenset[str]
    parties: tuple[str, ...]
    date: DateValue | None
    place: str | None


@dataclass
class Claim:
    type: str
    actor: str | None  # entity IRIs
    counterpart: str | None
    start: int  # the sentence's span in the article text
    end: int
    rule: str
    certainty: str = "asserted"  # "asserted" | "hedged" | "planned"
    date: DateValue | None = None
    place: str | None = None
    quantity: Quantity | None = None
    role: str | None = None  # a deployment's role
    treaty: Treaty | None = None
    against: str | None = None
    office: str | None = None
    signatory: str | None = None  # the person who signed for the actor state
    sentence: int = 0

    @property
    def hedged(self) -> bool:
        return self.certainty != "asserted"


@dataclass
class Extraction:
    article: Article
    claims: list[Claim]
    entities: dict[str, Entity]  # entities the article introduced that the reference data lacks
    not_before: DateValue | None  # for an undated article: the latest date it mentions
    sentences: int = 0  # how many sentences were read, for throughput figures


@dataclass
class _Item:
    start: int
    end: int
    kind: str  # S A P O D N
    value: object  # entity IRI, DateValue or Quantity
    text: str


@dataclass
class _Draft:
    """A rule's match before its roles are resolved."""

    rule: Rule
    span: tuple[int, int]  # in the masked sentence
    roles: dict[str, list[_Item]]
    texts: dict[str, str]


@dataclass
class _Document:
    """What an article has said so far, for later sentences: office holders, the people it introduced,
    its claims and the last treaty."""

    published: DateValue | None
    leaders: dict[str, str] = field(default_factory=dict)  # person -> state
    offices: dict[tuple[str, str], str] = field(default_factory=dict)  # (state, office) -> person
    entities: dict[str, Entity] = field(default_factory=dict)  # people the reference data lacks
    names: dict[str, str] = field(default_factory=dict)  # how the article may name them again -> IRI
    name_regex: re.Pattern | None = None
    claims: list[Claim] = field(default_factory=list)
    last_treaty: Treaty | None = None
    signed: dict[str, DateValue] = field(default_factory=dict)  # treaty key -> the signing date it was given
    state_mentions: Counter = field(default_factory=Counter)  # how often each state was named so far

    def introduce(self, entity: Entity):
        """Remember a new person and the names a later sentence may use: full name, surname(s)."""
        self.entities.setdefault(entity.iri, entity)
        self.remember_names(entity)

    def remember_names(self, entity: Entity):
        """Let later sentences name a person by part of their name ("Dong" after "Admiral Dong Jun")."""
        if entity.iri in self.names.values():
            return
        words = entity.label.split()
        # The full name, the last two words, and any single word of three letters or more: news names people by
        # their family name, which comes first in some languages ("Dong Jun" is "Dong").
        for name in {entity.label, " ".join(words[-2:]), *(w for w in words if len(w) >= 3 and w[0].isupper())}:
            self.names.setdefault(name, entity.iri)
        self.name_regex = None  # rebuilt when next needed

    def treaty_key(self, key: str, signed: DateValue | None) -> str:
        """``key``, or if this article already gave it to a treaty signed on another date, the next free variant:
        two treaties between the same parties in one month ("a non-aggression pact last month", "a trade agreement
        on Wednesday") are two treaties, and one treaty has one signing date."""
        candidate, n = key, 1
        while signed and self.signed.get(candidate, signed) != signed:
            n += 1
            candidate = f"{key}-{n}"
        if signed:
            self.signed.setdefault(candidate, signed)
        return candidate

    def find_names(self, text: str, start: int, end: int):
        """Where the article names again a person it has named before."""
        if not self.names:
            return []
        if self.name_regex is None:
            self.name_regex = _names_regex(frozenset(self.names))
        return list(self.name_regex.finditer(text, start, end))


@lru_cache(maxsize=4096)
def _names_regex(names: frozenset[str]) -> re.Pattern:
    """The longest of ``names`` as whole words; cached, as articles about the same people name the same set."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


_COORDINATION = re.compile(r"(?: and | but |; )")
_RELATIVE = re.compile(r"\b(?:that|which|who|whose|where)\b")
_CLAUSE_BREAK = re.compile(r"(?:, | and |; | but | while )")


def _clause_start(masked: str, start: int, end: int) -> int:
    """Where the clause a match ends in begins, at most NEGATION_LOOKBACK characters before the match: a
    negation in an earlier clause ("Cambodia denied laying mines and accused Thailand") does not deny it."""
    window_start = max(0, start - NEGATION_LOOKBACK)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(masked, window_start, end)]
    return breaks[-1] if breaks else window_start


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Extractor:
    """Runs a rule set with a gazetteer over articles."""

    def __init__(self, gazetteer: Gazetteer, rules: RuleSet):
        self.gaz = gazetteer
        self.rules = rules
        self._treatyref = re.compile(rules.macros["TREATYREF"], re.IGNORECASE)

    # --- masking -------------------------------------------------------------------------------------
    def _mentions(self, text: str, start: int, end: int, doc: _Document) -> list[_Item]:
        """The states, people and organizations a sentence names (before overlaps with dates are settled)."""
        items = [_Item(m.start, m.end, m.kind, m.iri, text[m.start:m.end]) for m in self.gaz.find(text, start, end)]
        items += [_Item(m.start(), m.end(), PERSON, doc.names[m[0]], m[0]) for m in doc.find_names(text, start, end)]
        for m in self.rules.organization_name.finditer(text, start, end):
            organization = self._organization(re.sub(r"^The ", "", m[0]), doc)
            if organization is not None:
                offset = m.start() + (4 if m[0].startswith("The ") else 0)
                items.append(_Item(offset, m.end(), ORG, organization, text[offset:m.end()]))
        return items

    def _items(self, text: str, start: int, end: int, anchor, mentions: list[_Item]) -> list[_Item]:
        """A sentence's mentions, dates and quantities, overlaps settled in favour of the longer."""
        items = list(mentions)
        sentence = text[start:end]
        for d in find_dates(sentence, anchor):
            items.append(_Item(start + d.start, start + d.end, "D", d.value, d.text))
        for m in QUANTITY_RE.finditer(sentence):
            q = parse_quantity(m[0])
            if q is not None:
                items.append(_Item(start + m.start(), start + m.end(), "N", q, m[0]))
        items.sort(key=lambda i: (i.start, -(i.end - i.start), "SAPODN".index(i.kind)))
        kept, last_end = [], -1
        for item in items:
            if item.start >= last_end:
                kept.append(item)
                last_end = item.end
        return kept

    @staticmethod
    def _mask(text: str, start: int, end: int, items: list[_Item]) -> str:
        parts, pos = [], start
        for i, item in enumerate(items):
            parts.append(text[pos:item.start])
            parts.append(f"⟨{item.kind}{i}⟩")
            pos = item.end
        parts.append(text[pos:end])
        return "".join(parts)

    @staticmethod
    def _render(fragment: str, items: list[_Item]) -> str:
        """A masked fragment with its tokens turned back into the words they stand for."""
        return _TOKEN.sub(lambda m: items[int(m[2])].text, fragment).strip()

    # --- matching ------------------------------------------------------------------------------------
    def _new_person(self, name: str, doc: _Document) -> str:
        iri = ID.person(_slug(name)).value
        if iri not in self.gaz.entities:
            doc.introduce(Entity(iri, name, "person", code=_slug(name), linked=False))
        return iri

    def _organization(self, name: str, doc: _Document) -> str | None:
        """The IRI of an organization named in the text that the reference data lacks (None if it has it)."""
        if self.gaz.resolve(name) is not None or len(name.split()) < 2:
            return None
        if any(m.kind in (STATE, ORG) for m in self.gaz.find(name)):  # "NATO and the Nordic ..." is two names
            return None
        iri = ID.org(_slug(name)).value
        doc.entities.setdefault(iri, Entity(iri, name, "organization", code=_slug(name), linked=False))
        return iri

    def _draft(self, rule: Rule, m: re.Match, items: list[_Item], doc: _Document) -> _Draft:
        roles: dict[str, list[_Item]] = {}
        texts: dict[str, str] = {}
        for group, value in m.groupdict().items():
            if value is None:
                continue
            role = group.split("__")[0]
            texts.setdefault(role, value)
            tokens = [items[int(t[2])] for t in _TOKEN.finditer(value)]
            if not tokens and role in ("actor", "counterpart", "against"):  # a NAME slot
                name = value.strip()
                iri = self._new_person(name, doc)
                tokens = [_Item(-1, -1, PERSON, iri, name)]
            roles.setdefault(role, tokens)
        return _Draft(rule, m.span(), roles, texts)

    def _collapse(self, masked: str, items: list[_Item], doc: _Document, drafts: list[_Draft], met: set[int]) -> str:
        """Run office-holder rules; each match then reads as the person's token alone (or, for a rule with
        ``stands_for``, as the token of that slot: "Armenia's foreign ministry" reads as Armenia).

        A rule with ``title_only`` names no one ("the Kenyan president"): the person is whoever the article
        said holds that office, else whoever the reference data says held it on the publication date, else
        the title stands for its state.
        """
        for index, rule in enumerate(self.rules.rules):
            if not rule.collapse:
                break
            if index not in met:
                continue
            replacements = []
            for m in rule.regex.finditer(masked):
                draft = self._draft(rule, m, items, doc)
                if rule.title_only:
                    person = self._title_holder(draft, doc)
                elif rule.stands_for == "subject":  # "its foreign ministry": the sentence's first state
                    first = _STATE_TOKEN.search(masked, 0, m.start())
                    stand_in = items[int(first[1])] if first else None
                    person = replace(stand_in, kind=STATE) if stand_in else None
                elif rule.stands_for:  # "Armenia's foreign ministry" reads as Armenia
                    stand_in = (draft.roles.get(rule.stands_for) or [None])[0]
                    person = replace(stand_in, kind=STATE) if stand_in and stand_in.kind in (STATE, DEMONYM) else stand_in
                else:
                    person = (draft.roles.get("actor") or [None])[0]
                    if person is not None:  # a title is asserted: only sentence-wide cues may hedge it
                        drafts.append(replace(draft, span=(0, 0)))
                if person is None:
                    continue
                if person not in items:  # a person introduced here: give them a token of their own
                    items.append(person)
                replacements.append((m.start(), m.end(), f"⟨{person.kind}{items.index(person)}⟩"))
            for start, end, token in reversed(replacements):
                masked = masked[:start] + token + masked[end:]
        return masked

    def _title_holder(self, draft: _Draft, doc: _Document) -> _Item | None:
        states = [i.value for i in draft.roles.get("counterpart", []) if i.kind in (STATE, DEMONYM)]
        if not states or "office" not in draft.texts:
            return None
        office = self.rules.office_key(draft.texts["office"])
        person = doc.offices.get((states[0], office))
        if person is None:
            day = doc.published.earliest if doc.published else None
            person = self.gaz.office_holder(states[0], office, day, self.rules.office_key)
        if person is None:  # no one known to hold it: the title speaks for its state ("Bahrain's king")
            return _Item(-1, -1, STATE, states[0], draft.texts["office"])
        return _Item(-1, -1, PERSON, person, draft.texts["office"])

    def _match(self, masked: str, items, doc: _Document) -> tuple[str, list[_Draft]]:
        drafts: list[_Draft] = []
        met = self.rules.cue_index.met(masked.lower())  # collapsing text into tokens only removes cues
        masked = self._collapse(masked, items, doc, drafts, met)
        cues = self.rules.cues
        taken: list[tuple[str, int, int]] = []
        rules = self.rules.rules
        count = len(rules)
        for index in sorted({i % count for i in met}):  # the rules whose reading or coordinated reading may match
            rule = rules[index]
            if rule.collapse:
                continue
            readings = [(m, m.span()) for m in rule.regex.finditer(masked)] if index in met else []
            if rule.coordinated is not None and count + index in met:
                # "Peru denied the report and accused Bolivia": the second clause
                readings += [(m, (m.end("and_then"), m.end())) for m in rule.coordinated.finditer(masked)]
            for m, (s, e) in readings:
                if any(t == rule.type and s < te and ts < e for t, ts, te in taken):
                    continue  # an earlier rule already read this text as a claim of this type
                if rule.negatable and cues.negation.search(masked, _clause_start(masked, s, e), e):
                    continue
                if cues.reversal.search(masked, e, e + REVERSAL_LOOKAHEAD):
                    continue
                taken.append((rule.type, s, e))
                drafts.append(replace(self._draft(rule, m, items, doc), span=(s, e)))
        return masked, drafts

    # --- resolving -----------------------------------------------------------------------------------
    def _state(self, iri: str | None, doc: _Document, on: DateValue | None) -> str | None:
        """The state an entity stands for: itself, or the state whose office a person holds."""
        if iri is None:
            return None
        entity = self.gaz.entities.get(iri) or doc.entities.get(iri)
        if entity is not None and entity.kind in ("state", "organization"):
            return iri
        if iri in doc.leaders:
            return doc.leaders[iri]
        day = (on or doc.published)
        return self.gaz.state_of(iri, day.earliest if day else None)

    def _from_context(self, type_: str, role: str, known: str | None, doc: _Document, sentence: int,
                      current) -> str | None:
        """The other party of the latest nearby claim that involves ``known`` (or its ``role``, if none),
        looking first at claims of the same type, then at those of a compatible polarity."""
        window = [c for c in doc.claims if c.sentence >= sentence - CONTEXT_SENTENCES] + current
        polarity = lambda t: self.rules.claim_types[t].get("polarity", "neutral")
        # a neutral claim (a meeting) may take its party from any claim; others not from the opposite polarity
        compatible = {"cooperative", "hostile", "neutral"} if polarity(type_) == "neutral" else {polarity(type_), "neutral"}
        same_type = [c for c in window if c.type == type_]
        others = [c for c in window if c.type != type_ and polarity(c.type) in compatible]
        known_state = self._state(known, doc, None)
        for claim in [*reversed(same_type), *reversed(others)]:
            if claim.type == "leader_of":
                continue
            if known is None:
                value = getattr(claim, role)
                if value:
                    return value
                continue
            parties = [claim.actor, claim.counterpart]
            states = [self._state(p, doc, None) for p in parties]
            if known_state in states:
                other = parties[1 - states.index(known_state)]
                if other and self._state(other, doc, None) != known_state:
                    return other
        if role == "actor" and known is not None and self.rules.claim_types[type_].get("topic_actor"):
            # "the rekindling of military ties with X": the article's most named state is the one acting
            topic = [s for s, _ in doc.state_mentions.most_common(2) if s != known_state]
            return topic[0] if topic else None
        return None

    def _nearest_date(self, draft: _Draft, masked: str, items) -> DateValue | None:
        """The date slot, else the date token nearest the match: one in the last coordinated clause of the
        match first ("joined X in 2024 and Y in 2023"), then any ("visited Moscow in May and met Putin")."""
        if "date" in draft.roles and draft.roles["date"]:
            return draft.roles["date"][0].value
        s, e = draft.span
        candidates = []
        for t in _TOKEN.finditer(masked):
            if t[1] != "D" or items[int(t[2])].value is None:
                continue
            if t.start() >= e and _RELATIVE.search(masked, e, t.start()):
                continue  # "ended a rupture that began in 2016": the date of something else
            distance = 0 if s <= t.start() < e else min(abs(t.start() - e), abs(t.start() - s))
            candidates.append((distance, t.start(), items[int(t[2])].value))
        last_clause = max((m.end() for m in _COORDINATION.finditer(masked, s, e)), default=s)
        preferred = [c for c in candidates if c[1] >= last_clause] or candidates
        return min(preferred, key=lambda c: c[0])[2] if preferred else None

    def _certainty(self, masked: str, span: tuple[int, int], fixed: str | None = None) -> str:
        """Hedged by a reporting cue anywhere or a modal before the match's end; planned by a plan cue there.
        A rule's ``fixed`` certainty replaces the modal and plan cues, never the reporting ones."""
        cues = self.rules.cues
        if cues.hedge.search(masked):
            return "hedged"
        if fixed:
            return fixed
        if cues.hedge_ahead.search(masked, 0, span[1]):
            return "hedged"
        if cues.planned.search(masked, 0, span[1]):
            return "planned"
        return "asserted"

    def _first_key(self, table, text: str) -> str | None:
        return next((key for key, rx in table if rx.search(text)), None)

    def _treaty(self, draft: _Draft, claim: Claim, sentence_text: str, doc: _Document, items) -> Treaty | None:
        text = self._render(draft.texts["treaty"], items) if "treaty" in draft.texts else None
        previous = doc.last_treaty if (text and self._treatyref.fullmatch(text.strip())) else None
        name = None if previous or not text else re.sub(r"^(?:the|a)\s+", "", text.strip(), flags=re.I)
        types = {k for k, rx in self.rules.treaty_types if rx.search(sentence_text)}
        if previous:
            types |= previous.types
            claim.date = claim.date or previous.date
            name = previous.name
        parties = tuple(sorted(p for p in (claim.actor, claim.counterpart) if p))
        if previous and len(parties) < 2:
            parties = previous.parties
        codes = "-".join(p.rsplit("/", 1)[-1] for p in parties)
        signed = claim.date if claim.type == "treaty_signed" else (previous.date if previous else None)
        key = previous.key if previous else doc.treaty_key(
            f"{codes}-{claim.date.iso[:7]}" if claim.date else f"{codes}-{_slug(name)}" if name else codes, signed)
        place = claim.place or (previous.place if previous else None)
        return Treaty(key, name, frozenset(types), parties, signed, place)

    def _claims(self, draft: _Draft, masked: str, items, sentence_text: str, span, index: int,
                doc: _Document, current: list[Claim]) -> list[Claim]:
        rule = draft.rule
        settings = self.rules.claim_types[rule.type]
        date_value = self._nearest_date(draft, masked, items)
        certainty = self._certainty(masked, draft.span, rule.certainty)
        base = Claim(rule.type, None, None, span[0], span[1], rule.id, certainty,
                     date_value, sentence=index)
        if "place" in draft.texts:
            base.place = re.sub(r"^the\s+", "", self._render(draft.texts["place"], items), flags=re.I)
        elif rule.place_role and draft.roles.get(rule.place_role):
            base.place = draft.roles[rule.place_role][0].text
        if draft.roles.get("quantity"):
            base.quantity = draft.roles["quantity"][0].value
        if "office" in draft.texts:
            base.office = draft.texts["office"].strip()
        if rule.type == "deployment":
            base.role = self._first_key(self.rules.deployment_roles, sentence_text)
        actors = [i.value for i in draft.roles.get("actor", []) if i.kind in (STATE, DEMONYM, PERSON, ORG)]
        counterparts = [i.value for i in draft.roles.get("counterpart", []) if i.kind in (STATE, DEMONYM, PERSON, ORG)]
        against = next((i.value for i in draft.roles.get("against", [])), None)
        if not counterparts and len(actors) > 1 and settings.get("symmetric"):
            pairs = [(a, b) for n, a in enumerate(actors) for b in actors[n + 1:]]
        else:
            pairs = [(a, b) for a in actors or [None] for b in counterparts or [None]]
        claims = []
        for actor, counterpart in pairs:
            claim = replace(base, actor=actor, counterpart=counterpart)
            if actor is None and "actor" in rule.context:
                claim.actor = self._from_context(rule.type, "actor", counterpart, doc, index, current)
            if counterpart is None and "counterpart" in rule.context:
                claim.counterpart = self._from_context(rule.type, "counterpart", claim.actor, doc, index, current)
            if settings["roles"] == "state":
                if rule.type == "treaty_signed" and self._is_person(claim.actor, doc.entities):
                    claim.signatory = claim.actor
                claim.actor = self._state(claim.actor, doc, claim.date)
                claim.counterpart = self._state(claim.counterpart, doc, claim.date)
                claim.against = self._state(against, doc, claim.date)
            if settings.get("counterpart") == "state":  # a visit is to a state, even one named by its host
                claim.counterpart = self._state(claim.counterpart, doc, claim.date)
            if rule.office_state and claim.counterpart is None and claim.actor:  # "the leadership of Putin"
                claim.counterpart = self._state(claim.actor, doc, claim.date)
            if rule.type in ("treaty_signed", "treaty_in_force"):
                claim.treaty = self._treaty(draft, claim, sentence_text, doc, items)
                if claim.treaty and (claim.actor is None or claim.counterpart is None) and len(claim.treaty.parties) == 2:
                    claim.actor, claim.counterpart = claim.treaty.parties
            needed = {"actor", "counterpart"} - set(settings.get("optional", ()))
            if any(getattr(claim, r) is None for r in needed) or (claim.actor == claim.counterpart):
                continue
            if rule.type == "leader_of":
                doc.leaders[claim.actor] = claim.counterpart
                if claim.office:
                    doc.offices[(claim.counterpart, self.rules.office_key(claim.office))] = claim.actor
            if claim.treaty:
                doc.last_treaty = claim.treaty
            claims.append(claim)
        return claims

    def _is_person(self, iri: str | None, entities: dict[str, Entity]) -> bool:
        entity = self.gaz.entities.get(iri or "") or entities.get(iri or "")
        return entity is not None and entity.kind == "person"

    # --- whole articles ------------------------------------------------------------------------------
    def extract(self, article: Article) -> Extraction:
        text = article.text
        anchor = article.published.earliest if article.published else None
        doc = _Document(article.published)
        latest_mentioned: DateValue | None = None
        sentences = split_sentences(text, article.body)
        for index, (start, end) in enumerate(sentences):
            mentions = self._mentions(text, start, end, doc)
            if not mentions and anchor is not None and not (doc.claims and self.rules.cues.anaphora.search(text[start:end])):
                continue  # nobody named, nothing referred back to, and no need of its dates: the article is dated
            items = self._items(text, start, end, anchor, mentions)
            for item in items:
                if item.kind == "D" and item.value and (latest_mentioned is None or item.value.earliest > latest_mentioned.earliest):
                    latest_mentioned = item.value
            for item in items:
                if item.kind == PERSON and item.value in self.gaz.entities:
                    doc.remember_names(self.gaz.entities[item.value])
                elif item.kind in (STATE, DEMONYM):
                    doc.state_mentions[item.value] += 1
            sentence_text = text[start:end]
            if not any(i.kind in "SAPO" for i in items) and not (
                    doc.claims and self.rules.cues.anaphora.search(sentence_text)):
                continue  # no party named, and nothing referred back to
            masked, drafts = self._match(self._mask(text, start, end, items), items, doc)
            current: list[Claim] = []
            for draft in drafts:
                current.extend(self._claims(draft, masked, items, sentence_text, (start, end), index, doc, current))
            doc.claims.extend(current)
        claims = self._deduplicate(doc.claims)
        not_before = None if article.published else latest_mentioned
        return Extraction(article, claims, doc.entities, not_before, len(sentences))

    def _deduplicate(self, claims: list[Claim]) -> list[Claim]:
        """One claim per sentence, type and parties (several rules may read the same statement)."""
        seen, unique = set(), []
        for c in claims:
            symmetric = self.rules.claim_types[c.type].get("symmetric")
            parties = tuple(sorted((c.actor or "", c.counterpart or ""))) if symmetric else (c.actor, c.counterpart)
            key = (c.start, c.type, parties)
            if key not in seen:
                seen.add(key)
                unique.append(c)
        return unique
