"""Tags for papers: arXiv category names (as Zotero's arXiv import writes them) and keywords."""
