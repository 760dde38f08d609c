"""SHACL validation of document graphs against ``ontology/shapes.ttl``.

A document's graph is self-contained (the mapping types every entity its claims name), so each one is validated
on its own: on ingest, before anything of it is stored, and by ``alliance-kg validate`` for a whole store. Two
engines give the same verdicts: ``core`` (``shacl_core``, fast enough for every document on ingest) and
``pyshacl``, the reference implementation, which the tests and ``validate --engine pyshacl`` use.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from . import shacl_core
from .terms import PREFIXES, SH, shapes_turtle

ENGINES = ("core", "pyshacl")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str | None

    def __str__(self) -> str:
        value = f" (found {self.value})" if self.value else ""
        return f"{self.focus} {self.path}: {self.message}{value}"


@lru_cache(maxsize=1)
def _shapes():
    import rdflib  # rdflib and pySHACL load in about half a second; only validation needs them

    return rdflib.Graph().parse(data=shapes_turtle(), format="turtle")


def _short(term) -> str:
    if term is None:
        return ""
    text = term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)
    for prefix, iri in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri):]}"
    return repr(text) if hasattr(term, "datatype") else f"<{text}>"


def violations(triples, engine: str = "core") -> list[Violation]:
    """What in these triples (one document's graph) breaks the shapes; empty when it conforms."""
    if engine == "core":
        return sorted({Violation(_short(v.focus), _short(v.path), v.message, _short(v.value) or None)
                       for v in shacl_core.check(triples)}, key=str)
    return _pyshacl_violations(triples)


def _pyshacl_violations(triples) -> list[Violation]:
    import rdflib
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, results, _ = shacl_validate(data, shacl_graph=_shapes(), inference="none", advanced=False,
                                          allow_warnings=True)
    if conforms:
        return []
    found = []
    sh = rdflib.Namespace(SH.iri)
    for result in results.objects(None, sh.result):  # not the nested sh:detail results
        found.append(Violation(_short(results.value(result, sh.focusNode)), _short(results.value(result, sh.resultPath)),
                               str(results.value(result, sh.resultMessage) or "does not conform"),
                               _short(results.value(result, sh.value)) or None))
    return sorted(set(found), key=str)
