"""arXiv PDFs: downloaded once per paper version, ever, and kept by their content.

The cache is ``ZOTBRIDGE_HOME/pdfs/<md5[:2]>/<md5>.pdf`` and the store maps each versioned id
to its md5 and size: a re-run, a push to a second library or a ``bib --pdf-dir`` never downloads
the same version again, and two names for the same bytes are one file. Always the versioned URL
(``<id>v<N>``): an unversioned one serves the latest version, whose bytes would not be the
recorded version's (docs/zotero.md). A cached file is checked against its md5 before use; a file
that does not match is downloaded again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zotbridge.arxiv.client import PdfClient
from zotbridge.config import Settings
from zotbridge.errors import DownloadFailed
from zotbridge.models import ArxivRecord, PdfFile, Progress
from zotbridge.store import Store

CACHE_DIR = "pdfs"


@dataclass
class PdfFetch:
    """What a fetch got: files by versioned id, one line per failure, what it cost."""

    files: dict[str, PdfFile] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    downloads: int = 0  # PDFs asked of arXiv (not from the cache)
    requests: int = 0  # requests to arXiv, retries and redirects included
    bytes: int = 0


def versioned_id(record: ArxivRecord) -> str:
    return f"{record.arxiv_id}v{record.version}"


def cached_pdf(settings: Settings, store: Store, arxiv_id: str, version: int) -> PdfFile | None:
    """The cached PDF of a version, if the cache has it whole."""
    known = store.pdf_file(f"{arxiv_id}v{version}")
    if known is None:
        return None
    md5, size = known
    path = _cache_path(settings, md5)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) != size or hashlib.md5(data).hexdigest() != md5:
        return None
    return PdfFile(arxiv_id, version, md5, size, path)


def fetch_pdfs(
    records: list[ArxivRecord], settings: Settings, store: Store, progress: Progress | None = None
) -> PdfFetch:
    """The PDF of every record's version: from the cache, else from arXiv through the gate.
    ``progress`` gets a bar over the papers to download, with the bytes and any wait beside it."""
    result = PdfFetch()
    missing: list[ArxivRecord] = []
    for record in {versioned_id(r): r for r in records}.values():
        cached = cached_pdf(settings, store, record.arxiv_id, record.version)
        if cached:
            result.files[cached.versioned_id] = cached
        else:
            missing.append(record)
    if not missing:
        return result
    tick: Callable[..., None] = progress(len(missing)) if progress else _no_bar
    with PdfClient(settings) as client:
        for record in missing:
            name = versioned_id(record)

            def on_bytes(n: int) -> None:
                result.bytes += n
                tick(0, f"{result.bytes / 1e6:.1f} MB")

            def on_wait(seconds: float) -> None:  # arXiv's delay between requests, or a retry's wait
                tick(0, f"{result.bytes / 1e6:.1f} MB, waiting {seconds:.1f} s for arXiv")

            try:
                data = client.download(record.arxiv_id, record.version, on_bytes, on_wait)
            except DownloadFailed as failure:
                result.failures[name] = failure.reason
            else:
                result.files[name] = _keep(settings, store, record, data)
            result.downloads += 1
            tick(1, f"{result.bytes / 1e6:.1f} MB")
        result.requests = client.requests
    return result


def _no_bar(steps: int, info: str | None = None) -> None:
    return None


def _keep(settings: Settings, store: Store, record: ArxivRecord, data: bytes) -> PdfFile:
    md5 = hashlib.md5(data).hexdigest()
    path = _cache_path(settings, md5)
    if not path.exists():
        _write_atomically(path, data)
    store.put_pdf_file(versioned_id(record), md5, len(data))
    return PdfFile(record.arxiv_id, record.version, md5, len(data), path)


def _cache_path(settings: Settings, md5: str) -> Path:
    return Path(settings.home) / CACHE_DIR / md5[:2] / f"{md5}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class KeptPdfs:
    """What ``--pdf-dir`` did: files written, files already there, the user's files left alone."""

    written: list[Path] = field(default_factory=list)
    present: list[Path] = field(default_factory=list)
    kept_yours: list[Path] = field(default_factory=list)


def keep_in_directory(directory: Path, files: dict[str, PdfFile]) -> KeptPdfs:
    """Copy ``{citation key: file}`` into ``directory`` as ``<key>.pdf``. A file of that name with
    other bytes is the user's (an annotated copy, an older version): it is never overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    kept = KeptPdfs()
    for key, pdf in sorted(files.items()):
        target = directory / f"{key}.pdf"
        if target.exists():
            same = (
                target.stat().st_size == pdf.size and hashlib.md5(target.read_bytes()).hexdigest() == pdf.md5
            )
            (kept.present if same else kept.kept_yours).append(target)
            continue
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-", suffix=".pdf")
        os.close(fd)
        shutil.copyfile(pdf.path, tmp)
        os.replace(tmp, target)
        kept.written.append(target)
    return kept
