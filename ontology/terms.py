"""Every namespace and fixed IRI of alliance-kg, spelled once.

Code builds terms through these objects (``AK.Deployment``, ``ID.state("RUS")``); SPARQL files get the same
prefixes prepended by the query runner, so no ``.rq`` file repeats a namespace.
"""
from __future__ import annotations

from importlib import resources
from urllib.parse import quote

from pyoxigraph import NamedNode

BASE = "https://w3id.org/alliance-kg/"


class Namespace:
    """A namespace whose attributes and items are pyoxigraph named nodes."""

    def __init__(self, iri: str):
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        """Made once per name, then found as a plain attribute: mapping asks for these terms millions of times."""
        if name.startswith("_"):
            raise AttributeError(name)
        node = NamedNode(self.iri + name)
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)

    def local(self, node: NamedNode | str) -> str | None:
        """The local name of ``node`` in this namespace, or None when it lies elsewhere."""
        value = node.value if isinstance(node, NamedNode) else str(node)
        return value[len(self.iri):] if value.startswith(self.iri) else None


AK = Namespace(BASE + "ontology#")
AKT = Namespace(BASE + "claim-type/")
GRAPH = Namespace(BASE + "graph/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_GRAPH = GRAPH.ontology
REFERENCE_GRAPH = GRAPH.reference
INFERRED_GRAPH = GRAPH.inferred  # written by 'check'
DISAGREEMENTS_GRAPH = GRAPH.disagreements  # drawn across documents by 'ingest'
NO_GRAPH = GRAPH.none  # names no graph: a query binds it where the user left inferred facts out


class _Ids:
    """IRIs of data resources: states, people, organizations, treaties, documents and claims."""

    iri = BASE + "id/"

    def state(self, iso3: str) -> NamedNode:
        return NamedNode(f"{self.iri}state/{iso3}")

    def person(self, slug: str) -> NamedNode:
        return NamedNode(f"{self.iri}person/{slug}")

    def org(self, slug: str) -> NamedNode:
        return NamedNode(f"{self.iri}org/{slug}")

    def treaty(self, key: str) -> NamedNode:
        return NamedNode(f"{self.iri}treaty/{quote(key, safe='-')}")

    def document(self, key: str) -> NamedNode:
        return NamedNode(f"{self.iri}doc/{key}")


ID = _Ids()

PREFIXES = {
    "ak": AK.iri, "akt": AKT.iri, "akg": GRAPH.iri, "akid": ID.iri, "prov": PROV.iri, "oa": OA.iri,
    "rdf": RDF.iri, "rdfs": RDFS.iri, "owl": OWL.iri, "xsd": XSD.iri, "skos": SKOS.iri,
    "dcterms": DCTERMS.iri, "wd": WD.iri,
}


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, prepended to canned queries and rules."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def ontology_turtle() -> str:
    """The ontology as Turtle text, read from the installed package."""
    return resources.files("ontology").joinpath("alliance.ttl").read_text(encoding="utf-8")


def shapes_turtle() -> str:
    """The SHACL shapes every document graph must conform to."""
    return resources.files("ontology").joinpath("shapes.ttl").read_text(encoding="utf-8")
