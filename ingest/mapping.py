"""Claims to RDF quads with their provenance, all of one document in the document's named graph.

One graph per document is the unit every store replaces whole: the embedded store in one transaction, a remote
store with one Graph Store Protocol PUT. In the graph D of a document, for its claim C = D/claim/n:
  D a ak:SourceDocument ; ak:sourcePath ; ak:sha256 ; dcterms:issued | ak:notBefore ; ak:hasClaim C .
  C a ak:Claim ; ak:claimType akt:<type> ; ak:asserts C#event ; ak:hedged ; ak:certainty ;
    ak:extractionRule ; prov:wasDerivedFrom C#evidence .
  C#evidence a ak:Evidence ; oa:hasSource D ; oa:hasSelector C#position, C#quote .
  C#event a <the class the claim type asserts> ; ak:actor ; ak:counterpart ; ak:date ; ...
plus the entities the article introduced that the reference data lacks, and (added by the pipeline) the stances
the derivation rules draw from the claims.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from io import BytesIO

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from ontology.terms import AK, AKT, DCTERMS, ID, OA, OWL, PROV, RDF, RDFS, WD, XSD, ontology_turtle

from .dates import DateValue
from .extract import Claim, Extraction
from . import gazetteer
from .gazetteer import Entity, Gazetteer

_XSD_OF_PRECISION = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
_CERTAINTY = {"asserted": AK.Asserted, "hedged": AK.Hedged, "planned": AK.Planned}
_ROLE = {"combat": AK.CombatRole, "training": AK.TrainingRole, "labour": AK.LabourRole,
         "reconstruction": AK.ReconstructionRole}
_KIND_CLASS = {"state": AK.State, "person": AK.Person, "organization": AK.Organization}
_ORG_CLASS = {"military_alliance": AK.MilitaryAlliance, "economic_bloc": AK.EconomicBloc,
              "political_union": AK.PoliticalUnion, "intergovernmental": AK.IntergovernmentalOrganization}


@lru_cache(maxsize=1)
def claim_classes() -> dict[str, NamedNode]:
    """Claim type name -> the class its claims assert, as the ontology's ak:eventClass says."""
    classes = {}
    for triple in parse(ontology_turtle(), format=RdfFormat.TURTLE):
        if triple.predicate == AK.eventClass:
            classes[AKT.local(triple.subject)] = triple.object
    return classes


def date_literal(value: DateValue) -> Literal:
    return Literal(value.iso, datatype=_XSD_OF_PRECISION[value.precision])


def day_literal(day) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def document_iri(path: str) -> NamedNode:
    """A document's IRI follows its path, so a changed file replaces what the old version said."""
    return ID.document(hashlib.sha256(path.encode("utf-8")).hexdigest()[:20])


def entity_quads(entity: Entity, graph: NamedNode) -> list[Quad]:
    node = NamedNode(entity.iri)
    quads = [Quad(node, RDF.type, _KIND_CLASS[entity.kind], graph),
             Quad(node, RDFS.label, Literal(entity.label, language="en"), graph),
             Quad(node, AK.linked, Literal(entity.linked), graph)]
    if entity.subtype in _ORG_CLASS:
        quads.append(Quad(node, RDF.type, _ORG_CLASS[entity.subtype], graph))
    if entity.qid:
        quads.append(Quad(node, OWL.sameAs, WD[entity.qid], graph))
    if entity.kind == "state" and entity.code:
        quads.append(Quad(node, AK.isoCode, Literal(entity.code), graph))
    for member in entity.members:
        quads.append(Quad(NamedNode(member), AK.memberOf, node, graph))
    return quads


def reference_quads(gaz: Gazetteer, graph: NamedNode) -> list[Quad]:
    """The reference entities and their offices, for the store's reference graph."""
    quads = [q for entity in gaz.entities.values() for q in entity_quads(entity, graph)]
    for n, office in enumerate(gaz.offices):
        tenure = NamedNode(f"{office.person}/tenure/{n}")
        quads += [Quad(tenure, RDF.type, AK.Tenure, graph), Quad(tenure, AK.holder, NamedNode(office.person), graph),
                  Quad(tenure, AK.officeTitle, Literal(office.title), graph)]
        if gaz.entities.get(office.of) and gaz.entities[office.of].kind == "state":
            quads.append(Quad(tenure, AK.ofState, NamedNode(office.of), graph))
            quads.append(Quad(NamedNode(office.person), AK.leaderOf, NamedNode(office.of), graph))
        if office.start:
            quads.append(Quad(tenure, AK.startDate, date_literal(office.start), graph))
        if office.end:
            quads.append(Quad(tenure, AK.endDate, date_literal(office.end), graph))
    return quads


def _event_quads(claim: Claim, event: NamedNode, g: NamedNode) -> list[Quad]:
    quads = [Quad(event, RDF.type, claim_classes()[claim.type], g)]
    if claim.type == "leader_of":
        quads += [Quad(event, AK.holder, NamedNode(claim.actor), g), Quad(event, AK.ofState, NamedNode(claim.counterpart), g),
                  Quad(NamedNode(claim.actor), AK.leaderOf, NamedNode(claim.counterpart), g)]
        if claim.office:
            quads.append(Quad(event, AK.officeTitle, Literal(claim.office), g))
    else:
        quads.append(Quad(event, AK.actor, NamedNode(claim.actor), g))
        if claim.counterpart:
            quads.append(Quad(event, AK.counterpart, NamedNode(claim.counterpart), g))
    if claim.date:
        quads += [Quad(event, AK.date, date_literal(claim.date), g),
                  Quad(event, AK.earliest, day_literal(claim.date.earliest), g),
                  Quad(event, AK.latest, day_literal(claim.date.latest), g)]
    if claim.place:
        quads.append(Quad(event, AK.place, Literal(claim.place), g))
    if claim.quantity:
        if claim.quantity.value is not None:
            quads.append(Quad(event, AK.personnelCount, Literal(claim.quantity.value), g))
        quads.append(Quad(event, AK.quantityText, Literal(claim.quantity.text), g))
    if claim.role:
        quads.append(Quad(event, AK.role, _ROLE[claim.role], g))
    if claim.against:
        quads.append(Quad(event, AK.against, NamedNode(claim.against), g))
    if claim.treaty:
        quads += _treaty_quads(claim, event, g)
    return quads


def _treaty_quads(claim: Claim, event: NamedNode, g: NamedNode) -> list[Quad]:
    treaty = claim.treaty
    node = ID.treaty(treaty.key)
    quads = [Quad(event, AK.treaty, node, g), Quad(node, RDF.type, AK.Treaty, g)]
    quads += [Quad(node, AK.party, NamedNode(p), g) for p in treaty.parties]
    quads += [Quad(node, AK.treatyType, AK[t], g) for t in sorted(treaty.types)]
    if treaty.name:
        quads.append(Quad(node, RDFS.label, Literal(treaty.name, language="en"), g))
    if claim.type == "treaty_signed":
        if treaty.date:
            quads.append(Quad(node, AK.signingDate, date_literal(treaty.date), g))
        if treaty.place:
            quads.append(Quad(node, AK.signingPlace, Literal(treaty.place), g))
        if claim.signatory:
            quads.append(Quad(node, AK.signatory, NamedNode(claim.signatory), g))
    elif claim.type == "treaty_in_force" and claim.date:
        quads.append(Quad(node, AK.entryIntoForceDate, date_literal(claim.date), g))
    return quads


def claim_quads(claim: Claim, c: NamedNode, doc: NamedNode, text: str) -> list[Quad]:
    event, evidence = NamedNode(c.value + "#event"), NamedNode(c.value + "#evidence")
    position, quote = NamedNode(c.value + "#position"), NamedNode(c.value + "#quote")
    g = doc
    return [
        Quad(c, RDF.type, AK.Claim, g),
        Quad(c, AK.claimType, AKT[claim.type], g),
        Quad(c, AK.asserts, event, g),
        Quad(c, AK.hedged, Literal(claim.hedged), g),
        Quad(c, AK.certainty, _CERTAINTY[claim.certainty], g),
        Quad(c, AK.extractionRule, Literal(claim.rule), g),
        Quad(c, PROV.wasDerivedFrom, evidence, g),
        Quad(evidence, RDF.type, AK.Evidence, g),
        Quad(evidence, OA.hasSource, doc, g),
        Quad(evidence, OA.hasSelector, position, g),
        Quad(evidence, OA.hasSelector, quote, g),
        Quad(position, RDF.type, OA.TextPositionSelector, g),
        Quad(position, OA.start, Literal(claim.start), g),
        Quad(position, OA.end, Literal(claim.end), g),
        Quad(quote, RDF.type, OA.TextQuoteSelector, g),
        Quad(quote, OA.exact, Literal(text[claim.start:claim.end]), g),
        *_event_quads(claim, event, g),
    ]


def _party_types(result: Extraction, doc: NamedNode) -> list[Quad]:
    """The class of every reference entity a claim names, so a document's graph can be validated on its own."""
    reference = gazetteer.load().entities
    named = {iri for c in result.claims
             for iri in (c.actor, c.counterpart, c.against, c.signatory, *(c.treaty.parties if c.treaty else ()))
             if iri and iri in reference and iri not in result.entities}
    return [Quad(NamedNode(iri), RDF.type, _KIND_CLASS[reference[iri].kind], doc) for iri in sorted(named)]


def document_quads(result: Extraction) -> tuple[NamedNode, list[Quad]]:
    """The document IRI and the quads of its graph: its record, its claims and their evidence."""
    article = result.article
    doc = document_iri(article.path)
    quads = [
        Quad(doc, RDF.type, AK.SourceDocument, doc),
        Quad(doc, AK.sourcePath, Literal(article.path), doc),
        Quad(doc, AK.sha256, Literal(article.sha256), doc),
    ]
    if article.published:
        quads.append(Quad(doc, DCTERMS.issued, day_literal(article.published.earliest), doc))
    if result.not_before:
        quads.append(Quad(doc, AK.notBefore, day_literal(result.not_before.earliest), doc))
    for entity in result.entities.values():
        quads += entity_quads(entity, doc)
    quads += _party_types(result, doc)
    for n, claim in enumerate(result.claims):
        c = NamedNode(f"{doc.value}/claim/{n}")
        quads.append(Quad(doc, AK.hasClaim, c, doc))
        quads += claim_quads(claim, c, doc, article.text)
    return doc, quads
