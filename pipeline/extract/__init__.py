"""Stage 4: structured facts with evidence spans (see `extract.facts.extract_facts`)."""
