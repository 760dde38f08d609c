"""The ontology's documentation as one HTML page ('alliance-kg docs'), made from the packaged ontology.

Every term the ontology declares (classes, object, datatype and annotation properties, datatypes, named
individuals) gets a section: its label, definition and comments; each statement the ontology makes about it, class
expressions written out ('holder only leader', 'event or relation statement'); the notes on a statement
(``owl:Axiom`` annotations, such as what a CAMEO code means); and the terms that point back at it (subclasses,
properties whose domain or range it is, members). pyLODE was tried first: its newest release that runs on Python
3.11 (3.3.4; 3.4.1 fails on import) takes the claim-type concept scheme for the ontology itself and has no section
for named individuals, which would leave the claim types, stance kinds and certainty levels undocumented.
"""
from __future__ import annotations

import html
from collections import defaultdict
from importlib import resources
from pathlib import Path
from string import Template

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .terms import PREFIXES, ontology_turtle

SECTIONS = [(OWL.Class, "Classes"), (OWL.ObjectProperty, "Object properties"),
            (OWL.DatatypeProperty, "Datatype properties"), (OWL.AnnotationProperty, "Annotation properties"),
            (RDFS.Datatype, "Datatypes"), (OWL.NamedIndividual, "Named individuals")]
SHOWN_APART = {RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.comment}
# statements read backwards, from the term they point at: (property, heading there)
BACK_LINKS = [(RDFS.subClassOf, "subclasses"), (RDFS.subPropertyOf, "subproperties"), (RDFS.domain, "domain of"),
              (RDFS.range, "range of"), (RDF.type, "members"), (SKOS.inScheme, "concepts")]
RESTRICTIONS = {OWL.someValuesFrom: "some", OWL.allValuesFrom: "only", OWL.hasValue: "value",
                OWL.minCardinality: "min", OWL.maxCardinality: "max", OWL.cardinality: "exactly",
                OWL.minQualifiedCardinality: "min", OWL.maxQualifiedCardinality: "max",
                OWL.qualifiedCardinality: "exactly"}
CONNECTIVES = {OWL.unionOf: " or ", OWL.intersectionOf: " and ", OWL.oneOf: ", "}


class _Page:
    def __init__(self, graph: rdflib.Graph):
        self.g = graph
        self.terms = {t: kind for kind, _ in SECTIONS for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)}
        self.notes = defaultdict(list)  # (term, property, value) -> comments of owl:Axiom annotations on it
        for axiom in graph.subjects(RDF.type, OWL.Axiom):
            key = tuple(graph.value(axiom, p)
                        for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
            self.notes[key] += [str(c) for c in graph.objects(axiom, RDFS.comment)]
        self.disjoint = defaultdict(list)  # class -> the classes an owl:AllDisjointClasses sets it apart from
        for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(Collection(graph, graph.value(group, OWL.members)))
            for m in members:
                self.disjoint[m] += [o for o in members if o != m]

    def name(self, iri: URIRef) -> str:
        """The prefixed name, e.g. ak:Treaty (the longest namespace that fits), else the IRI."""
        fits = [(len(ns), p) for p, ns in PREFIXES.items() if str(iri).startswith(ns) and len(str(iri)) > len(ns)]
        if not fits:
            return str(iri)
        ns_len, prefix = max(fits)
        return f"{prefix}:{str(iri)[ns_len:]}"

    def anchor(self, iri: URIRef) -> str:
        return self.name(iri).replace(":", "-")

    def label(self, node) -> str:
        labels = sorted(self.g.objects(node, RDFS.label), key=lambda l: (getattr(l, "language", None) != "en", str(l)))
        return str(labels[0]) if labels else self.name(node)

    def link(self, iri: URIRef) -> str:
        target = f"#{self.anchor(iri)}" if iri in self.terms else str(iri)
        return f'<a href="{html.escape(target)}" title="{html.escape(str(iri))}">{html.escape(self.name(iri))}</a>'

    def value(self, node) -> str:
        """An IRI as a link, a literal with its datatype, a blank node as the class expression or list it is."""
        if isinstance(node, URIRef):
            return self.link(node)
        if isinstance(node, Literal):
            kind = f' <span class="datatype">{self.link(node.datatype)}</span>' if node.datatype else ""
            return html.escape(str(node)) + kind
        for connective, words in CONNECTIVES.items():
            members = self.g.value(node, connective)
            if members is not None:
                inner = words.join(self.value(m) for m in Collection(self.g, members))
                return "{" + inner + "}" if connective == OWL.oneOf else f"({inner})"
        if (node, OWL.complementOf, None) in self.g:
            return f"not {self.value(self.g.value(node, OWL.complementOf))}"
        on = self.g.value(node, OWL.onProperty)
        for constraint, word in RESTRICTIONS.items():
            filler = self.g.value(node, constraint)
            if on is not None and filler is not None:
                of = self.g.value(node, OWL.onClass)
                return f"{self.value(on)} {word} {self.value(filler)}" + (f" {self.value(of)}" if of else "")
        if (node, RDF.first, None) in self.g:
            return " ∘ ".join(self.value(m) for m in Collection(self.g, node))
        return "(an anonymous node)"

    def facts(self, term: URIRef) -> list[tuple[str, str]]:
        rows = []
        for p, o in sorted(self.g.predicate_objects(term), key=lambda po: (self.name(po[0]), str(po[1]))):
            if p in SHOWN_APART or (p == RDF.type and o in self.terms.values()):
                continue
            notes = "".join(f'<div class="note">{html.escape(n)}</div>' for n in self.notes[term, p, o])
            rows.append((self.link(p), self.value(o) + notes))
        rows += [("disjoint with", ", ".join(self.link(d) for d in sorted(self.disjoint[term], key=self.name)))] \
            if self.disjoint[term] else []
        for p, heading in BACK_LINKS:
            found = sorted({s for s in self.g.subjects(p, term) if isinstance(s, URIRef)}
                           | {s for node in self._unions_with(term) for s in self.g.subjects(p, node)
                              if isinstance(s, URIRef)}, key=self.name)
            if found:
                rows.append((heading, ", ".join(self.link(s) for s in found)))
        return rows

    def _unions_with(self, term: URIRef):
        """The class unions ``term`` is a member of (a property whose domain is 'A or B' is in A's domain too)."""
        for lst in self.g.subjects(RDF.first, term):
            head = lst
            while (prev := self.g.value(predicate=RDF.rest, object=head)) is not None:
                head = prev
            yield from self.g.subjects(OWL.unionOf, head)

    def section(self, term: URIRef) -> str:
        text = "".join(f'<p class="definition">{html.escape(str(d))}</p>'
                       for d in self.g.objects(term, SKOS.definition))
        text += "".join(f"<p>{html.escape(str(c))}</p>" for c in self.g.objects(term, RDFS.comment))
        facts = "".join(f"<dt>{p}</dt><dd>{v}</dd>" for p, v in self.facts(term))
        return (f'<section class="term" id="{html.escape(self.anchor(term))}"><h3>{html.escape(self.label(term))}'
                f'<code>{html.escape(self.name(term))}</code></h3><div class="iri">{html.escape(str(term))}</div>'
                f"{text}<dl>{facts}</dl></section>")

    def body(self) -> str:
        ontology = next(self.g.subjects(RDF.type, OWL.Ontology))
        title = self.g.value(ontology, rdflib.DCTERMS.title) or self.label(ontology)
        about = "".join(f"<p>{html.escape(part)}</p>" for p in (rdflib.DCTERMS.description, RDFS.comment)
                        for text in self.g.objects(ontology, p) for part in str(text).split("\n"))
        meta = "".join(f"<dt>{self.link(p)}</dt><dd>{self.value(o)}</dd>"
                       for p, o in sorted(self.g.predicate_objects(ontology), key=lambda po: self.name(po[0]))
                       if p not in (RDF.type, rdflib.DCTERMS.title, rdflib.DCTERMS.description, RDFS.comment))
        sections = [(heading, self.anchor(kind), sorted((t for t, k in self.terms.items() if k == kind),
                                                         key=lambda t: (self.label(t).lower(), self.name(t))))
                    for kind, heading in SECTIONS]
        contents = "".join(f'<li><a href="#{a}">{h}</a> ({len(ts)})</li>' for h, a, ts in sections if ts)
        parts = "".join(f'<h2 id="{a}">{h}</h2>' + "".join(self.section(t) for t in ts) for h, a, ts in sections if ts)
        spaces = "".join(f"<tr><td><code>{p}:</code></td><td class='iri'>{html.escape(ns)}</td></tr>"
                         for p, ns in PREFIXES.items())
        return (f"<h1>{html.escape(str(title))}</h1><div class='iri'>{html.escape(str(ontology))}</div>"
                f"<dl>{meta}</dl>{about}<nav><h2>Contents</h2><ul>{contents}</ul></nav>{parts}"
                f"<h2 id='namespaces'>Namespaces</h2><table>{spaces}</table>"), str(title)


def page() -> str:
    """The whole page, self-contained (styles inline, no scripts, nothing fetched)."""
    graph = rdflib.Graph().parse(data=ontology_turtle(), format="turtle")
    body, title = _Page(graph).body()
    template = Template(resources.files("ontology").joinpath("docs.html").read_text("utf-8"))
    return template.substitute(title=html.escape(title), body=body)


def write(target: Path) -> Path:
    """Write the page to ``target``, a .html file or a folder (then as ontology.html in it); return the file."""
    path = target if target.suffix.lower() in (".html", ".htm") else target / "ontology.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(), "utf-8")
    return path
