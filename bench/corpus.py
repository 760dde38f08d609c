"""Synthetic news articles for benchmarks, reproducible from a seed, with the claims each one plants.

Article ``i`` depends only on ``(seed, i)``: a 1k corpus is the first thousand articles of a 100k one, and a
benchmark can regenerate any article to check what the extractor should find in it. Sentences come from
``bench/templates.toml`` (data, not code); states, leaders and organizations from the project's reference
data (``ingest.gazetteer``), so mentions resolve exactly as they do in real news.

    python -m bench.corpus OUT --articles 10000 --seed 0
"""
from __future__ import annotations

import argparse
import calendar
import csv
import io
import itertools
import json
import random
import re
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Formatter
from typing import Iterator

from ingest import gazetteer
from ingest.gazetteer import Office

FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2026, 10, 31)  # offices are stated as of 2026-11
MIN_BYTES, MAX_BYTES = 3_000, 6_000
MIN_SENTENCES, MAX_SENTENCES = 20, 40  # the headline counts as one
PER_FOLDER = 1_000
MONTHS = list(calendar.month_name)[1:]
WEEKDAYS = list(calendar.day_name)
_ROLES = ("A", "B", "C")
_DATELINE_CITY = re.compile(r"[A-Za-z][A-Za-z .'-]{1,30}[A-Za-z]")  # what the dateline rule can read, upper-cased


@dataclass(frozen=True)
class Planted:
    """A claim a sentence was written to make: the IRIs the extractor may give each role (a state, and the
    office holder who stands for it when the sentence names one)."""

    type: str
    actor: tuple[str, ...]
    counterpart: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class SyntheticArticle:
    name: str  # relative path: "0000/000123.txt"
    text: str
    published: date
    sentences: int  # as ingest.sentences splits the body, headline included
    planted: tuple[Planted, ...]


@dataclass
class CorpusSummary:
    articles: int = 0
    sentences: int = 0
    bytes: int = 0
    claims: dict[str, int] = field(default_factory=dict)  # planted claims by type

    def add(self, article: SyntheticArticle, size: int):
        self.articles += 1
        self.sentences += article.sentences
        self.bytes += size
        for p in article.planted:
            self.claims[p.type] = self.claims.get(p.type, 0) + 1


# --- reference data and templates, loaded once -----------------------------------------------------------

@dataclass(frozen=True, eq=False)
class _State:
    iri: str
    name: str  # as a sentence writes it ("the Philippines")
    adj: str | None
    capital: str | None
    offices: tuple[tuple[Office, str, str], ...]  # (tenure, person IRI, person name), titles the extractor reads
    attrs: frozenset[str]  # which of "adj", "capital" it has


@dataclass(frozen=True)
class _Template:
    text: str
    slots: tuple[tuple[str, str, str], ...]  # (field, role or "", attribute)
    needs: tuple[tuple[str, frozenset[str]], ...]  # role -> what its state must have ("adj", "capital", "leader")
    titled: tuple[str, ...]  # roles whose office holder the sentence names with a title: a leader_of claim


_PERSON_ATTRS = {"leader", "name", "title"}


def _template(text: str) -> _Template:
    fields = dict.fromkeys(f for _, f, _, _ in Formatter().parse(text) if f)
    slots, needs = [], {}
    for f in fields:
        role, _, attr = f.partition("_")
        if role in _ROLES:
            slots.append((f, role, attr))
            needs.setdefault(role, set()).update({"leader" if attr in _PERSON_ATTRS else attr} - {""})
        else:
            slots.append((f, "", ""))
    titled = tuple(r for r in _ROLES if f"{r}_leader" in fields or f"{r}_title" in fields)
    return _Template(text, tuple(slots), tuple((r, frozenset(a)) for r, a in sorted(needs.items())), titled)


@dataclass(frozen=True)
class _Model:
    states: tuple[_State, ...]
    with_leaders: tuple[_State, ...]
    types: tuple[str, ...]
    cum_weights: tuple[int, ...]
    claims: dict[str, tuple[_Template, ...]]
    background: tuple[_Template, ...]
    headlines: tuple[_Template, ...]
    words: dict[str, tuple[str, ...]]
    organizations: tuple[tuple[str, str, frozenset[str]], ...]  # (IRI, text, member IRIs)
    agencies: tuple[str, ...]


def _reads_as_person(gaz: gazetteer.Gazetteer, title: str, person) -> bool:
    """Whether "Title Name" reads as the title, then the person's name as one mention: not so when an alias
    holds the title ("King Salman" in "King Salman bin Abdulaziz Al Saud", "Crown Prince Mohammed bin Salman")."""
    text = f"{title} {person.label}"
    found = gaz.find(text)
    return len(found) == 1 and (found[0].iri, found[0].start, found[0].end) == (person.iri, len(title) + 1, len(text))


@lru_cache(maxsize=1)
def _model() -> _Model:
    raw = tomllib.loads(resources.files("bench").joinpath("templates.toml").read_text("utf-8"))
    gaz = gazetteer.load()
    # The gazetteer gives IRIs, names, organizations and offices; whether a state is sovereign, its demonym
    # adjective and its capital are CSV columns it folds into surface forms, so they come from the same file.
    rows = csv.DictReader(io.StringIO(resources.files("ingest").joinpath("reference/states.csv").read_text("utf-8")))
    by_code = {e.code: e for e in gaz.entities.values() if e.kind in ("state", "organization")}
    titles = set(raw["leader_titles"])
    offices: dict[str, list] = {}
    for o in gaz.offices:
        person = gaz.entities.get(o.person)
        if o.title in titles and person and _reads_as_person(gaz, o.title, person):
            offices.setdefault(o.of, []).append((o, o.person, person.label))
    the = set(raw["the_names"])
    states = []
    for row in rows:
        if row["sovereign"] == "yes":
            entity = by_code[row["iso3"]]
            adj, capital = row["demonyms"].split("|")[0].strip() or None, row["capital"].strip() or None
            states.append(_State(entity.iri, f"the {entity.label}" if entity.label in the else entity.label, adj,
                                 capital, tuple(offices.get(entity.iri, ())),
                                 frozenset(a for a, v in (("adj", adj), ("capital", capital)) if v)))
    orgs = tuple((by_code[slug].iri, text, frozenset(by_code[slug].members))
                 for slug, text in raw["organizations"].items())
    return _Model(
        tuple(states), tuple(s for s in states if s.offices), tuple(raw["weights"]),
        tuple(itertools.accumulate(raw["weights"].values())),
        {t: tuple(map(_template, texts)) for t, texts in raw["claims"].items()},
        tuple(map(_template, raw["background"])), tuple(map(_template, raw["headline"])),
        {k: tuple(v) for k, v in raw["words"].items()}, orgs, tuple(raw["agencies"]))


# --- one article ------------------------------------------------------------------------------------------

class _Article:
    """What one article has chosen so far: its date, its cast of states, each state's office holder."""

    def __init__(self, rng: random.Random, day: date, cast: list[_State]):
        self.rng, self.day, self.cast = rng, day, cast
        self.leaders: dict[str, tuple[str, str, str] | None] = {}  # state IRI -> (person IRI, name, title)
        self.deck: list[_Template] = []  # background templates not used yet

    def choice(self, seq):
        return seq[int(self.rng.random() * len(seq))]  # faster than random.choice, and as reproducible

    def background(self) -> str:
        """A background sentence, each template once before any repeats."""
        if not self.deck:
            self.deck = self.rng.sample(_model().background, len(_model().background))
        return self.fill(self.deck.pop())[0]

    def leader(self, state: _State) -> tuple[str, str, str] | None:
        if state.iri not in self.leaders:
            held = [(person, name, o.title) for o, person, name in state.offices if o.held_on(self.day)]
            self.leaders[state.iri] = self.choice(held) if held else None
        return self.leaders[state.iri]

    def fits(self, state: _State, needs: frozenset[str], taken) -> bool:
        return (state not in taken and needs - {"leader"} <= state.attrs
                and ("leader" not in needs or self.leader(state) is not None))

    def pick(self, needs: frozenset[str], taken, focus: bool) -> _State:
        """A state of the cast that fits (the focus state, the first, if asked and it fits), else one from the
        whole reference data."""
        start = 0 if focus else int(self.rng.random() * len(self.cast))
        for state in self.cast[start:] + self.cast[:start]:
            if self.fits(state, needs, taken):
                return state
        pool = _model().with_leaders if "leader" in needs else _model().states
        return self.choice([s for s in pool if self.fits(s, needs, taken)])

    def organization(self, state: str, leaving: bool):
        """An organization the state may join (it is not a listed member) or leave (it is one, or members
        are not listed)."""
        return self.choice([o for o in _model().organizations
                            if ((state in o[2] or not o[2]) if leaving else state not in o[2])])

    def when(self) -> str:
        rng, r = self.rng, self.rng.random()
        if r < 0.3:
            return ""
        past = self.day - timedelta(days=rng.randint(3, 700))
        if r < 0.55:
            return f" in {MONTHS[past.month - 1]} {past.year}"
        if r < 0.7:
            return f" on {MONTHS[past.month - 1]} {past.day}, {past.year}"
        if r < 0.85:
            return f" on {WEEKDAYS[(self.day.weekday() - rng.randint(1, 5)) % 7]}"
        return self.choice((" last week", " last month", " earlier this month", " in recent weeks"))

    def fill(self, template: _Template, leaving: bool = False, focus: float = 0.5) -> tuple[str, dict, str | None]:
        """The template's sentence, the state cast in each role and the organization it names; the focus
        state is the subject with probability ``focus``, so the article stays about it."""
        rng, choice, words = self.rng, self.choice, _model().words
        roles: dict[str, _State] = {}
        for role, needs in template.needs:
            roles[role] = self.pick(needs, roles.values(), role == "A" and rng.random() < focus)
        values, org = {}, None
        for f, role, attr in template.slots:
            if role:
                state = roles[role]
                if attr in _PERSON_ATTRS:
                    _, name, title = self.leaders[state.iri]
                    if attr == "name":
                        value = name
                    elif attr == "title":
                        value = title.lower()
                    elif state.adj and (rng.random() < 0.7 or state.name.endswith("s")):
                        value = f"{state.adj} {title} {name}"
                    else:
                        value = f"{state.name}’s {title} {name}"
                else:
                    value = getattr(state, attr) if attr else state.name
            elif f == "org":
                org, value, _ = self.organization(roles["A"].iri, leaving)
            elif f == "when":
                value = self.when()
            elif f == "n":
                value = f"{rng.randrange(2, 60) * 100:,}"
            elif f == "num":
                value = str(rng.randint(2, 40))
            elif f == "money":
                value = f"${rng.randint(1, 9)}{choice((' billion', '00 million', '50 million'))}"
            elif f == "pct":
                value = f"{rng.randint(1, 12)}.{rng.randint(1, 9)}"
            elif f == "temp":
                value = str(rng.randint(35, 46))
            elif f == "month":
                value = choice(MONTHS)
            elif f == "weekday":
                value = choice(WEEKDAYS)
            elif f.startswith("a_"):
                word = choice(words[f[2:]])
                value = ("an " if word[0] in "aeiou" else "a ") + word
            else:
                value = choice(words[f])
            values[f] = value
        text = template.text.format_map(values)
        return text[0].upper() + text[1:], roles, org

    def claim(self, kind: str) -> tuple[str, list[Planted]]:
        """A sentence making a claim of ``kind``, and what it plants (a leader_of for each titled leader)."""
        template = self.choice(_model().claims[kind])
        text, roles, org = self.fill(template, leaving=kind == "membership_left")
        needs = dict(template.needs)

        def parties(role: str) -> tuple[str, ...]:
            if role not in roles:
                return ()
            state = roles[role]
            person = self.leaders[state.iri] if "leader" in needs[role] else None
            return (state.iri, person[0]) if person else (state.iri,)

        planted = [Planted("leader_of", (self.leaders[roles[r].iri][0],), (roles[r].iri,), text)
                   for r in template.titled]
        if kind != "leader_of":
            planted.insert(0, Planted(kind, parties("A"), (org,) if org else parties("B"), text))
        return text, planted


def _date_line(day: date, rng: random.Random) -> str:
    """The publication date alone on the first line, in forms ingest.reader takes for one."""
    form = rng.randrange(4)
    month, d, y = MONTHS[day.month - 1], day.day, day.year
    return (f"{WEEKDAYS[day.weekday()]}, {month} {d}, {y}", f"{month} {d}, {y}", f"Published: {month} {d}, {y}",
            f"{d} {month} {y}")[form]


def article(index: int, seed: int = 0) -> SyntheticArticle:
    """Article ``index`` of the corpus of ``seed``, with the claims it plants."""
    model = _model()
    rng = random.Random(f"{seed}:{index}")
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    # A cast of a focus state and its partners, one or two of them states whose leaders the data knows.
    cast = rng.sample(model.states, rng.randint(3, 4)) + rng.sample(model.with_leaders, rng.randint(1, 2))
    art = _Article(rng, day, list(dict.fromkeys(cast)))
    top = f"{_date_line(day, rng)}\n{art.fill(rng.choice(model.headlines), focus=1)[0]}\n"
    target, share = rng.randint(MIN_BYTES + 300, MAX_BYTES - 300), rng.uniform(0.30, 0.40)
    size, sentences, planted, claims = len(top.encode()), [], [], 0
    # Sentences up to a drawn size; about ``share`` of them make claims, the first one always (news leads with
    # its story).
    while len(sentences) < MAX_SENTENCES - 1 and (size < target or len(sentences) < MIN_SENTENCES - 1):
        if claims + rng.random() < share * (len(sentences) + 1) or not sentences:
            text, found = art.claim(rng.choices(model.types, cum_weights=model.cum_weights)[0])
            planted += found
            claims += 1
        else:
            text = art.background()
        sentences.append(text)
        size += len(text.encode()) + 2
    paragraphs, i = [], 0
    while i < len(sentences):  # paragraphs of two to five sentences
        n = rng.randint(2, 5)
        paragraphs.append(" ".join(sentences[i:i + n]))
        i += n
    city = art.cast[0].capital
    if city and _DATELINE_CITY.fullmatch(city) and rng.random() < 0.3:
        agency = rng.choice(model.agencies)  # a dateline, which the sentence splitter leaves out of the sentence
        paragraphs[0] = f"{city.upper()}, {MONTHS[day.month - 1]} {day.day} ({agency}) - {paragraphs[0]}"
    text = top + "\n" + "\n\n".join(paragraphs) + "\n"
    return SyntheticArticle(f"{index // PER_FOLDER:04d}/{index:06d}.txt", text, day, len(sentences) + 1,
                            tuple(planted))


def iter_articles(articles: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """(relative path, text) of each article, for a benchmark that wants texts without touching disk."""
    for i in range(articles):
        a = article(i, seed)
        yield a.name, a.text


def generate(folder: Path, articles: int, seed: int = 0) -> CorpusSummary:
    """Write ``articles`` UTF-8 files under ``folder``, at most 1,000 per subfolder (a folder of 100k files is
    slow to list); each article is written as soon as it is made, so memory stays flat at any size."""
    folder = Path(folder)
    summary = CorpusSummary()
    for i in range(articles):
        a = article(i, seed)
        if i % PER_FOLDER == 0:
            (folder / a.name).parent.mkdir(parents=True, exist_ok=True)
        data = a.text.encode("utf-8")
        (folder / a.name).write_bytes(data)
        summary.add(a, len(data))
    return summary


def main(argv=None):
    """The command line: write a corpus, print its summary and how long it took, as JSON."""
    parser = argparse.ArgumentParser(description="Write a synthetic news corpus for benchmarks.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = generate(args.folder, args.articles, args.seed)
    seconds = time.perf_counter() - started
    print(json.dumps({**summary.__dict__, "claims": dict(sorted(summary.claims.items())), "seconds": round(seconds, 2),
                      "articles_per_second": round(summary.articles / max(seconds, 1e-9))}, indent=1))


if __name__ == "__main__":
    main()
