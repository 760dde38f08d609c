"""The alliance-kg ontology (OWL in Turtle), its SHACL shapes, and the one module that spells IRIs."""
