"""The ontology's documentation page: every declared term documented, every link inside the page resolving."""
from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import rdflib
from click.testing import CliRunner
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology.terms import ontology_turtle
from queries.cli import cli

ROOT = Path(__file__).parents[1]
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Datatype,
         OWL.NamedIndividual)


class Page(HTMLParser):
    """The ids, links, tags and text of a page, and the text of each section by its id."""

    def __init__(self, text: str):
        super().__init__()
        self.ids, self.links, self.tags, self.sections, self._open = set(), [], [], {}, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.handle_data(" ")  # text either side of a tag is two words
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.links.append(attrs["href"])
        if tag == "section":
            self._open.append(attrs["id"])
            self.sections[attrs["id"]] = ""

    def handle_endtag(self, tag):
        self.handle_data(" ")
        if tag == "section":
            self._open.pop()

    def handle_data(self, data):
        for section in self._open:
            self.sections[section] += data


def write_docs(*args) -> str:
    result = CliRunner().invoke(cli, ["docs", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_every_term_of_the_ontology_has_a_section_with_its_label_and_definition(tmp_path):
    written = write_docs("-o", tmp_path / "site")
    assert written == str(tmp_path / "site" / "ontology.html")
    page = Page(Path(written).read_text("utf-8"))
    ontology = rdflib.Graph().parse(data=ontology_turtle(), format="turtle")
    terms = {t for kind in KINDS for t in ontology.subjects(RDF.type, kind) if isinstance(t, rdflib.URIRef)}
    assert len(terms) > 140
    by_iri = {}
    for anchor, text in page.sections.items():
        iri = re.search(r"https?://\S+", text)[0]
        by_iri[iri] = " ".join(text.split())
    assert set(by_iri) == {str(t) for t in terms}
    for term in terms:
        text = by_iri[str(term)]
        for value in (*ontology.objects(term, RDFS.label), *ontology.objects(term, SKOS.definition)):
            assert " ".join(str(value).split()) in text, term


def test_axioms_class_expressions_and_notes_are_written_out(tmp_path):
    page = Page(Path(write_docs("-o", tmp_path / "ontology.html")).read_text("utf-8"))
    sections = {anchor: " ".join(text.split()) for anchor, text in page.sections.items()}
    assert "rdfs:subClassOf ak:holder only ak:Leader" in sections["ak-Tenure"]
    assert "rdfs:domain ( ak:Event or ak:RelationStatement )" in sections["ak-actor"]
    assert "owl:propertyChainAxiom ak:partyTo ∘ ak:party" in sections["ak-treatyPartner"]
    assert 'skos:notation 057 ak:CAMEO CAMEO 057 "Sign formal agreement"' in sections["ak-TreatySigning"]
    assert "disjoint with" in sections["ak-State"] and "subclasses ak:Leader" in sections["ak-Person"]
    assert "domain of ak:actor" in sections["ak-Event"]  # through the union 'event or relation statement'
    assert "skos:inScheme ak:ClaimTypes" in sections["akt-treaty_signed"]


def test_the_page_is_self_contained_and_its_links_resolve(tmp_path):
    text = Path(write_docs("-o", tmp_path / "ontology.html")).read_text("utf-8")
    page = Page(text)
    assert "<title>alliance-kg ontology</title>" in text
    inside = [link[1:] for link in page.links if link.startswith("#")]
    assert len(inside) > 500 and set(inside) <= page.ids
    assert not [tag for tag, attrs in page.tags if tag in ("script", "link", "img", "iframe") or "src" in attrs]


def test_by_default_the_page_goes_to_a_build_folder_git_ignores(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["docs"])
    assert result.exit_code == 0 and (tmp_path / "build/docs/ontology.html").is_file()
    ignored = subprocess.run(["git", "check-ignore", "-q", "build/docs/ontology.html"], cwd=ROOT)
    assert ignored.returncode == 0


def test_a_page_that_cannot_be_written_is_refused_in_a_line(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    result = CliRunner().invoke(cli, ["docs", "-o", str(tmp_path / "taken" / "ontology.html")])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"Error: -o {tmp_path / 'taken' / 'ontology.html'}: cannot write")
    assert len(result.stderr.strip().splitlines()) == 1
