"""Stage 2 — resolve listed papers to arXiv records: client (network), match (scoring),
resolve (batching and decisions)."""
