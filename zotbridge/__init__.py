"""zotbridge: from a pasted listing of papers to arXiv records, BibTeX and a Zotero collection."""

__version__ = "0.1.0"
