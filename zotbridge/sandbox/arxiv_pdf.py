"""A small real PDF per paper version, as the arXiv emulator serves it at ``/pdf/<id>v<N>``.

One page with the paper's id and version, title, authors and abstract, in the standard Helvetica
fonts (so any reader, ``pdftotext`` included, gets the text back), then a filler stream of
incompressible bytes, because real arXiv PDFs weigh hundreds of kilobytes and a storage quota must
fill up as it would. The bytes are a pure function of the version's metadata: the same version
always has the same md5, and two versions of a paper never do.
"""

from __future__ import annotations

import hashlib
import textwrap

from unidecode import unidecode

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN = 72
LINE_CHARS = 92  # Helvetica 10 pt across the text width
FILLER_BYTES = (120_000, 480_000)  # the range of the filler's size: real PDFs weigh 0.1-5 MB


def paper_pdf(arxiv_id: str, version: int, title: str, authors: list[str], abstract: str) -> bytes:
    """The PDF of one version of a paper."""
    lines: list[tuple[str, int, str]] = [("F2", 9, f"arXiv:{arxiv_id}v{version}")]
    lines += [("F1", 14, part) for part in textwrap.wrap(title, 60)]
    lines += [("F2", 10, part) for part in textwrap.wrap(", ".join(authors), LINE_CHARS)]
    lines += [("F1", 11, "Abstract")]
    lines += [("F2", 10, part) for part in textwrap.wrap(abstract, LINE_CHARS)]
    text = _content(lines)
    seed = f"{arxiv_id}v{version}\n{title}\n{abstract}".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        _stream(text),
        _stream(_filler(seed)),  # referenced by nothing, as embedded data a reader skips
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _content(lines: list[tuple[str, int, str]]) -> bytes:
    y = PAGE_HEIGHT - MARGIN
    ops = []
    for font, size, line in lines:
        y -= size + 4
        ops.append(f"BT /{font} {size} Tf {MARGIN} {y} Td ({_pdf_string(line)}) Tj ET")
    return "\n".join(ops).encode("cp1252")


def _pdf_string(text: str) -> str:
    """``text`` as a PDF literal string in WinAnsi: what cp1252 lacks is transliterated."""
    safe = "".join(c if _in_cp1252(c) else unidecode(c) for c in text)
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _in_cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return char.isprintable()


def _stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _filler(seed: bytes) -> bytes:
    digest = hashlib.sha256(seed).digest()
    low, high = FILLER_BYTES
    size = low + int.from_bytes(digest[:4], "big") % (high - low)
    blocks: list[bytes] = []
    block = digest
    while len(blocks) * len(block) < size:
        block = hashlib.sha256(block).digest()
        blocks.append(block)
    return b"".join(blocks)[:size]


# --- serving, as arxiv-browse does (browse/routes/dissemination.py, controllers/files) ----------

PDF_FAULTS = {
    "ok": "no fault",
    "404": "HTTP 404 HTML page (not found, withdrawn, cannot build)",
    "denied": "HTTP 403 HTML 'Access Denied' (robot detection)",
    "500": "HTTP 500 HTML 'unavailable' (PDF generation failed)",
    "html": "HTTP 200 with an HTML 'generating this PDF' page",
    "empty": "HTTP 200 with an empty body",
    "truncated": "HTTP 200 whose chunked body stops half-way (connection closed)",
    "reset": "the connection closed without an answer",
    "429": "HTTP 429; '429:N' adds Retry-After: N",
    "slow": "'slow:S' answers normally after S seconds",
}
Answer = tuple[int, dict[str, str], bytes]


def _html(title: str, text: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()


NOT_FOUND = _html("Not Found", "The requested article or version does not exist.")
DENIED = _html(
    "Access Denied",
    "Sorry, but accesses from your site have triggered our automatic robot detection system.",
)
UNAVAILABLE = _html("Unavailable", "The PDF for this article could not be generated at this time.")
GENERATING = _html(
    "Generating PDF", "We are now attempting to automatically create some PDF from the article source."
)


def pdf_location(path: str, query: str) -> tuple[str, str | None]:
    """The id part of a ``/pdf/…`` path, or the canonical path to redirect to (301): a ``.pdf``
    suffix and any query string are dropped (routes/dissemination.py)."""
    ident = path[len("/pdf/") :]
    if ident.endswith(".pdf"):
        return ident, "/pdf/" + ident[: -len(".pdf")]
    if query:
        return ident, "/pdf/" + ident
    return ident, None


def pdf_headers(arxiv_id: str, version: int, body: bytes, modified: str) -> dict[str, str]:
    """The headers of a 200: inline, the versioned file name, the canonical ``Link`` (no
    ``Content-Length`` on GET: the real body is streamed chunked)."""
    return {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{arxiv_id.replace("/", "")}v{version}.pdf"',
        "Link": f"<https://arxiv.org/pdf/{arxiv_id}>; rel='canonical'",
        "ETag": '"' + hashlib.md5(body).hexdigest() + '"',
        "Last-Modified": modified,
        "Accept-Ranges": "bytes",
        "Access-Control-Allow-Origin": "*",
    }
