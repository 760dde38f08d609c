"""Article files in, claims with provenance out: reading, sentences, extraction, mapping to RDF, the store."""
