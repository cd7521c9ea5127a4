"""Stage 3: label every clause with the TAXONOMY.md categories (multi-label, with scores)."""
