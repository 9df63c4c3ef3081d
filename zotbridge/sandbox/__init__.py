"""Local emulators of the services zotbridge talks to, for tests, demos and trying it safely.

They serve real HTTP on 127.0.0.1 and are driven by the real client libraries (``arxiv``,
``pyzotero``); they are built from the real servers' behaviour (sources in docs/sandbox.md) and
are strict, and odd, where the real servers are.
"""

# Each emulator of `zotbridge sandbox`: its name in options (``--<name>-port``), the service it stands
# for, and its default port (0 picks any free port).
PORTS = {
    "arxiv": ("arXiv", 8801),
    "zotero": ("Zotero", 8802),
    "dblp": ("DBLP", 8803),
    "s2": ("Semantic Scholar", 8804),
    "crossref": ("Crossref", 8805),
    "acl": ("ACL Anthology", 8806),
}
