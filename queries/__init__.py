"""Canned SPARQL queries, derivation rules, the runner that binds their parameters, and the CLI."""
