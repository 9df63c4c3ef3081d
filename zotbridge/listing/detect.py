"""Which reader a file needs: by extension where it is unambiguous, else by its first lines.

Order of the content checks: BibTeX (first real line opens an ``@entry``), JSON Lines (first
line is a JSON object), CSV/TSV (first line is a header naming a known column and more than
one column), Hugging Face page (page chrome or an abstract-length paragraph), identifiers
(at least half the lines carry an arXiv id or DOI), and plain titles otherwise.
"""

from __future__ import annotations

from zotbridge.listing import table
from zotbridge.listing.bibtex import looks_like_bibtex
from zotbridge.listing.hf import looks_like_hf_listing
from zotbridge.listing.ids import find_ids
from zotbridge.listing.jsonl import looks_like_jsonl

FORMATS = ("auto", "hf", "ids", "titles", "bibtex", "csv", "tsv", "jsonl")
_EXTENSIONS = {".bib": "bibtex", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def detect_format(name: str, sample: str) -> str:
    for ext, fmt in _EXTENSIONS.items():
        if name.lower().endswith(ext):
            return fmt
    lines = sample.splitlines()
    if len(sample) >= 1 << 16 and lines:
        lines = lines[:-1]  # the sample may end inside a line
    if looks_like_bibtex(lines):
        return "bibtex"
    if looks_like_jsonl(lines):
        return "jsonl"
    if kind := table.looks_like_table(next((line for line in lines if line.strip()), "")):
        return kind
    if looks_like_hf_listing(lines):
        return "hf"
    content = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    with_ids = sum(1 for line in content if find_ids(line))
    return "ids" if content and with_ids * 2 >= len(content) else "titles"
