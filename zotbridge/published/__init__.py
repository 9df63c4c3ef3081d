"""Published versions of arXiv preprints: what each source says (S2 nominates, DBLP decides), the
rules a record must pass, and the verdict per paper (docs/published.md). Writing the upgrade is
bibtex/published.py's and zotero/published.py's job."""
