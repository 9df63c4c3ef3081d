"""BibTeX: citation keys, entries for arXiv records, and safe merging into ``.bib`` files."""
