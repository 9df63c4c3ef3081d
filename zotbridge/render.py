"""Human-readable output: tables and one-line summaries (``--json`` bypasses all of this)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from zotbridge.models import ListedPaper, Match

if TYPE_CHECKING:  # types only: importing these would slow the start of every command
    from zotbridge.arxiv.index import BuildReport
    from zotbridge.arxiv.pdfs import KeptPdfs
    from zotbridge.bibtex.export import BibResult
    from zotbridge.demo import DemoResult
    from zotbridge.doctor import Check
    from zotbridge.tags.preview import TaggedPaper
    from zotbridge.zotero.organize import OrganizeResult
    from zotbridge.zotero.published import PublishedResult
    from zotbridge.zotero.push import PaperAction, PushResult

PARSE_HEADER = ("#", "kind", "arxiv id", "date", "repeats", "title")


def parse_table(papers: Iterable[ListedPaper], width: int | None) -> Iterator[str]:
    """Rows as they come (a 100k-entry listing streams); the header comes with the first row,
    so an input that fails prints nothing. ``width`` None: never truncate."""
    fmt = "{:>5}  {:<10}  {:<18}  {:<10}  {:<7}  {}"
    for p in papers:
        if p.index == 0:
            yield fmt.format(*PARSE_HEADER)
        arxiv = (
            p.arxiv_id + (f"v{p.arxiv_version}" if p.arxiv_version else "") if p.arxiv_id else (p.doi or "")
        )
        row = fmt.format(
            p.index,
            p.kind,
            arxiv[:18],
            p.date or (str(p.year) if p.year else ""),
            f"= {p.duplicate_of}" if p.duplicate_of is not None else "",
            p.title or "",
        )
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"


def terminal_width() -> int:
    return shutil.get_terminal_size((120, 24)).columns


def parse_summary(count: int, inputs: int, repeats: int) -> str:
    papers = "paper" if count == 1 else "papers"
    text = f"{count} {papers} read from {inputs} input{'s' if inputs != 1 else ''}"
    if repeats:
        text += f"; {repeats} repeat{'s' if repeats == 1 else ''} an earlier entry (duplicate_of)"
    return text


def match_table(matches: list[Match], width: int | None) -> Iterator[str]:
    """One row per paper; anything but a clean match says why on the next line."""
    fmt = "{:>5}  {:<9}  {:<16}  {:>5}  {}"
    yield fmt.format("#", "status", "arxiv id", "score", "title")
    for m in matches:
        row = fmt.format(m.index, m.status, m.arxiv_id or "", f"{m.score:.2f}", m.title or "")
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"
        if m.status != "matched" and m.reason:
            yield f"{'':>5}  ↳ {m.reason}"
            for c in m.candidates[:3]:
                yield f"{'':>9}{c.arxiv_id:<16} {c.score:.2f}  {c.title[:70]}"


def match_summary(matches: list[Match], requests: int) -> str:
    counts = {s: sum(m.status == s for m in matches) for s in ("matched", "ambiguous", "unmatched", "error")}
    text = ", ".join(f"{n} {s}" for s, n in counts.items() if n or s == "matched")
    return f"{len(matches)} papers: {text}; {requests} arXiv request{'s' if requests != 1 else ''}"


def bib_rows(matches: list[Match], result: BibResult) -> Iterator[dict[str, Any]]:
    """Per listed paper: the ``bib --json`` object (what happened to its entry)."""
    for m in matches:
        outcome = result.outcomes.get(m.arxiv_id) if m.arxiv_id and m.status == "matched" else None
        yield {
            "index": m.index,
            "title": m.title or (m.record.title if m.record else None),  # arXiv's for a paper listed by id
            "status": m.status,
            "arxiv_id": m.arxiv_id,
            "key": outcome.key if outcome else None,
            "action": outcome.action if outcome else "skipped",
            "line": outcome.line if outcome else None,
            "reason": m.reason,
            **({"published": result.verdicts.get(m.arxiv_id or "")} if result.verdicts else {}),
        }


def bib_table(rows: Iterable[dict[str, Any]], width: int | None) -> Iterator[str]:
    fmt = "{:>5}  {:<9}  {:<32}  {}"
    yield fmt.format("#", "entry", "key", "title")
    for r in rows:
        row = fmt.format(r["index"], r["action"], r["key"] or f"({r['status']})", r["title"] or "")
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"
        if r["action"] == "skipped" and r["reason"]:
            yield f"{'':>5}  ↳ {r['reason']}"


BIB_ACTIONS = (
    ("added", "added"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("kept", "kept as you wrote them"),
)


def bib_summary(result: BibResult) -> str:
    counts = ", ".join(f"{result.counts[a]} {label}" for a, label in BIB_ACTIONS if result.counts.get(a))
    text = f"{result.path}: {counts or 'no entries'}"
    if result.not_written:
        by_status: dict[str, int] = {}
        for m in result.not_written:
            by_status[m.status] = by_status.get(m.status, 0) + 1
        detail = ", ".join(f"{n} {s}" for s, n in by_status.items())
        text += f"; {len(result.not_written)} not written ({detail}: review with zotbridge match)"
    if result.dry_run:
        text += "; dry run, nothing written"
    elif result.written:
        text += f"; previous version in {result.backup}" if result.backup else "; new file"
    else:
        text += "; file unchanged"
    if result.pdf_dir is not None:
        text += "\n" + pdf_dir_summary(result.pdf_dir)
    for arxiv_id, reason in result.pdf_failures.items():
        text += f"\nPDF of arXiv:{arxiv_id} failed: {reason}"
    return text


def collection_bib_table(rows: list[dict[str, Any]], width: int | None) -> Iterator[str]:
    fmt = "{:<9}  {:<16}  {:<32}  {}"
    yield fmt.format("entry", "item type", "key", "title")
    for r in rows:
        row = fmt.format(r["action"], r["item_type"] or "", r["key"] or "", r["title"] or "")
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"


def push_table(actions: list[PaperAction], width: int | None) -> Iterator[str]:
    fmt = "{:>5}  {:<9}  {:<8}  {:<30}  {}"
    yield fmt.format("#", "action", "item", "citation key", "title")
    for a in actions:
        row = fmt.format(a.index, a.action, a.item_key or "", a.citation_key or "", a.title or "")
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"
        details = a.changes if a.action in ("create", "update", "restored") else []
        if a.reason:
            details = [*details, a.reason]
        if a.pdf != "skip":
            details = [
                *details,
                f"PDF: {PDF_ACTIONS[a.pdf]}" + (f" ({a.pdf_reason})" if a.pdf_reason else ""),
            ]
        for detail in details:
            yield f"{'':>5}  ↳ {detail}"


PUSH_ACTIONS = (
    ("create", "created", "to create"),
    ("restored", "restored from the trash", "to restore from the trash"),
    ("update", "updated", "to update"),
    ("unchanged", "unchanged", "unchanged"),
    ("skip", "skipped (not matched)", "to skip (not matched)"),
    ("failed", "failed", "failed"),
)


PDF_ACTIONS = {
    "create": "stored",
    "exists": "already there",
    "linked": "linked",
    "skip": "none",
    "failed": "failed",
}


def push_summary(result: PushResult, bib: BibResult | None = None) -> str:
    counts = result.counts()
    column = 2 if result.dry_run else 1
    text = ", ".join(f"{counts[a[0]]} {a[column]}" for a in PUSH_ACTIONS if counts.get(a[0]))
    pdfs = {k: v for k, v in result.pdf_counts().items() if k != "skip"}
    if pdfs:
        verb = "PDFs to attach" if result.dry_run else "PDFs"
        text += f"; {verb}: " + ", ".join(f"{n} {PDF_ACTIONS[k]}" for k, n in pdfs.items())
    where = f"{result.collection!r} in {result.library}"
    if result.new_collections:
        verb = "would create" if result.dry_run else "created"
        where += f" ({verb} {', '.join(repr(n) for n in result.new_collections)})"
    line = f"{where}: {text or 'nothing to do'}"
    if result.dry_run:
        line += "; dry run, nothing written"
    else:
        line += f"; {result.writes} Zotero write{'s' if result.writes != 1 else ''}"
    for note in result.notes:
        line += f"\nnote: {note}"
    if result.pdf_dir is not None:
        line += "\n" + pdf_dir_summary(result.pdf_dir)
    if bib is not None:
        line += "\n" + bib_summary(bib)
    return line


def pdf_dir_summary(kept: KeptPdfs) -> str:
    line = f"PDF folder: {len(kept.written)} written, {len(kept.present)} already there"
    for path in kept.kept_yours:
        line += f"\nnote: {path} differs from arXiv's file and was left as it is"
    return line


def tags_table(papers: list[TaggedPaper], width: int | None) -> Iterator[str]:
    fmt = "{:>5}  {}"
    yield fmt.format("#", "title / tags")
    for p in papers:
        row = fmt.format(p.index, p.title or "")
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"
        yield f"{'':>5}  ↳ " + (", ".join(p.tags) if p.tags else "(no tags)")


def tags_summary(papers: list[TaggedPaper], coverage: dict[str, int]) -> str:
    shared = sum(1 for p in papers if any(coverage[t] >= 2 for t in p.tags))
    top = ", ".join(f"{t} ({n})" for t, n in list(coverage.items())[:8])
    return (
        f"{len(papers)} papers, {len(coverage)} distinct tags; {shared} papers share a tag with another"
        + (f"; most used: {top}" if top else "")
    )


def organize_table(result: OrganizeResult, width: int | None) -> Iterator[str]:
    yield f"{result.collection}  ({result.items} items)"
    for g in result.groups:
        note = ", ".join(
            x
            for x in (
                ("new" if g.created else ""),
                (f"+{g.added}" if g.added else ""),
                (f"-{g.removed}" if g.removed else ""),
            )
            if x
        )
        row = f"  └─ {g.name}  ({len(g.members)} items{'; ' + note if note else ''})"
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"


def organize_summary(result: OrganizeResult) -> str:
    added = sum(g.added for g in result.groups)
    removed = sum(g.removed for g in result.groups)
    created = sum(g.created for g in result.groups)
    text = (
        f"{result.collection!r}: {len(result.groups)} sub-collections ({created} new), {added} items filed"
        + (f", {removed} removed" if removed else "")
    )
    if result.failed:
        text += f"; {len(result.failed)} items failed"
    text += "; dry run, nothing written" if result.dry_run else f"; {result.writes} Zotero writes"
    return "\n".join([text, *(f"note: {n}" for n in result.notes)])


def demo_report(result: DemoResult) -> Iterator[str]:
    counts = {s: sum(m.status == s for m in result.matches) for s in ("matched", "ambiguous", "unmatched")}
    yield "zotbridge demo: the whole job on a shipped listing, against local arXiv and Zotero emulators"
    yield ""
    yield f"Listing   {result.listing}  ({len(result.matches)} papers, a Hugging Face page copied as text)"
    yield (
        f"arXiv     {counts['matched']} matched, {counts['ambiguous']} ambiguous, {counts['unmatched']} unmatched"
        f"  ({result.arxiv_requests} requests for {len(result.matches)} papers)"
    )
    for m in [m for m in result.matches if m.status == "ambiguous"][:3]:
        yield f"          ambiguous: {(m.title or '')[:70]}  ↳ {m.reason[:80]}"
    push_counts = result.push.counts()
    yield (
        f"Zotero    {push_counts.get('create', 0)} items created in {result.push.collection!r}"
        f" ({result.push.writes} write requests; a second push writes nothing)"
    )
    pdfs = result.push.pdf_counts()
    storage = result.push.storage
    yield (
        f'          {pdfs.get("create", 0) + pdfs.get("exists", 0)} with their "Preprint PDF" stored, as Zotero\'s'
        f" arXiv import saves it ({result.push.pdf_downloads} downloads through the arXiv gate"
        + (f", {storage.uploaded} uploads" if storage else "")
        + ")"
    )
    yield f"          {result.organized.collection}  ({result.organized.items} items)"
    for g in result.organized.groups:
        yield f"            └─ {g.name}  ({len(g.members)} items)"
    for title, tags in result.tags.items():
        yield f"          tags of {title[:50]!r}: {', '.join(tags)}"
    verdicts = ", ".join(f"{n} {v}" for v, n in sorted(result.verdicts.items()))
    asked = ", ".join(f"{n} {s}" for s, n in result.source_requests.items())
    yield f"Published {verdicts}  ({asked} requests; DBLP searched for the papers a source points at)"
    yield f"          {result.upgraded} upgraded in place: the Zotero item and its .bib entry together, same keys"
    if result.bib is not None:
        entries = sum(result.bib.counts.values())
        yield (
            f"BibTeX    {result.bib.path}  ({entries} entries, keys such as "
            + ", ".join(o.key for o in list(result.bib.outcomes.values())[:2])
            + ")"
        )
    yield ""
    yield f"Everything is in {result.workdir}. Next: `zotbridge sandbox` to try the commands yourself,"
    yield 'then `zotbridge login` and `zotbridge push page.txt --collection "Reading"` for your real library.'


def config_lines(rows: list[tuple[str, str, str]]) -> Iterator[str]:
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        yield f"{name:<{width}}  {value}  ({source})"


DOCTOR_MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def doctor_lines(checks: list[Check]) -> Iterator[str]:
    width = max(len(c.name) for c in checks)
    for c in checks:
        yield f"{DOCTOR_MARKS[c.status]}  {c.name:<{width}}  {c.detail}"
        if c.fix and c.status != "ok":
            yield f"{'':>{width + 8}}fix: {c.fix}"


def index_summary(verb: str, report: BuildReport) -> str:
    rate = report.rows / report.seconds if report.seconds else 0.0
    text = f"index {verb}: {report.rows:,} rows read in {report.seconds:.1f} s ({rate:,.0f} rows/s)"
    if verb == "updated":
        text += f", {report.changed:,} new or changed"
    if report.malformed:
        text += f"; {report.malformed:,} malformed rows skipped (first: {report.first_malformed})"
    return text


def index_status(info: dict[str, Any]) -> str:
    size = info["size_bytes"] / 2**20
    return (
        f"{info['path']}\n  rows: {int(info['rows']):,}\n  snapshot date: {info['snapshot_date'] or '?'}\n"
        f"  size: {size:,.1f} MiB\n  built: {info['built_at']} from {info['source']}"
        + (f" ({info['malformed']} malformed rows skipped)" if info.get("malformed", "0") != "0" else "")
    )


def published_table(result: PublishedResult, width: int | None) -> Iterator[str]:
    """One row per paper (verdict, venue, what --apply did), its reason below; dry-run diffs last."""
    fmt = "{:>5}  {:<10}  {:<26}  {:<16}  {}"
    yield fmt.format("#", "verdict", "venue", "arxiv id", "title")
    for p in result.papers:
        check = p.check
        record = check.record if check else None
        venue = f"{record.venue} {record.year or ''}".strip() if record else ""
        row = fmt.format(p.index, check.verdict if check else "-", venue[:26], p.arxiv_id or "", p.title)
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"
        reason = check.reason if check else p.reason
        if check is None or check.verdict != "published" or p.bib or p.zotero:
            yield f"{'':>5}  ↳ {reason}"
        done = "; ".join(
            f"{name}: {value}" for name, value in ((".bib", p.bib), ("Zotero", p.zotero)) if value
        )
        if done:
            yield f"{'':>5}  ↳ {done}"
    if result.dry_run and result.bib:
        for lines in result.bib.diffs.values():
            yield ""
            yield from lines


def published_summary(result: PublishedResult) -> str:
    counts = result.counts()
    text = ", ".join(f"{n} {v}" for v, n in counts.items()) or "no papers"
    asked = ", ".join(f"{n} {s}" for s, n in result.requests.items())
    text += f" ({asked} requests)" if asked else ""
    if result.bib:
        upgraded = sum(1 for a in result.bib.actions.values() if a == "upgraded")
        if result.dry_run:
            text += f"; {result.bib.path}: {upgraded} entries would be upgraded (dry run, nothing written)"
        elif result.bib.written:
            text += (
                f"; {result.bib.path}: {upgraded} entries upgraded, previous version in {result.bib.backup}"
            )
        else:
            text += f"; {result.bib.path}: nothing to change"
    elif counts.get("published") and not result.applied and not result.dry_run:
        text += "; --apply upgrades the published ones (--bib FILE for a .bib)"
    if counts.get("incomplete"):
        text += "; incomplete: a source failed, run again later"
    return text
