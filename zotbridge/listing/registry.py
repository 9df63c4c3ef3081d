"""Every kind of listing zotbridge reads, in the order their content checks run.

Detection: a name ending in a format's extension (``.bib``, ``.csv``, ``.tsv``, ``.jsonl``) settles
it; otherwise the first lines decide, in this order: BibTeX (the first real line opens an
``@entry``), JSON Lines (it is a JSON object), CSV/TSV (a header naming a known column, more than
one column), a Hugging Face page (page chrome or an abstract-length paragraph), identifiers (at
least half the lines carry an arXiv id or DOI), and plain titles otherwise.

A new format: a module with ``read(source, options)`` and a ``FORMAT``, one line here, and its
name in ``models.ListingFormat``.
"""

from __future__ import annotations

from zotbridge.listing import bibtex, hf, ids, jsonl, table, titles
from zotbridge.listing.format import Format

REGISTRY: tuple[Format, ...] = (
    bibtex.FORMAT,
    jsonl.FORMAT,
    table.CSV,
    table.TSV,
    hf.FORMAT,
    ids.FORMAT,
    titles.FORMAT,
)
BY_NAME = {f.name: f for f in REGISTRY}


def detect_format(name: str, sample: str) -> str:
    for fmt in REGISTRY:
        if name.lower().endswith(fmt.extensions):
            return fmt.name
    lines = sample.splitlines()
    if len(sample) >= 1 << 16 and lines:
        lines = lines[:-1]  # the sample may end inside a line
    return next(fmt.name for fmt in REGISTRY if fmt.detect(lines))
