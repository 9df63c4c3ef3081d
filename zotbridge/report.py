"""Evidence reports (``match --report FILE``, ``push --report FILE``): per paper, the decision,
its score, the runner-up candidates and why — so a user can review ambiguous papers.

The format follows the file name: ``.html``/``.htm`` gives a self-contained HTML page, anything
else Markdown. ``published --report FILE`` is Markdown: per paper the verdict, the records that
decided it and the entry's diff.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from zotbridge.errors import InputError
from zotbridge.models import Match

if TYPE_CHECKING:
    from zotbridge.zotero.published import PublishedResult

STATUS_ORDER = {"ambiguous": 0, "unmatched": 1, "error": 2, "matched": 3}


def write_report(
    path: Path, matches: list[Match], actions: dict[int, str] | None = None, title: str = ""
) -> None:
    """Ambiguous, unmatched and failed papers first (what needs review), then the matched ones."""
    path = Path(path)
    ordered = sorted(matches, key=lambda m: (STATUS_ORDER.get(m.status, 9), m.index))
    text = (
        _html(ordered, actions or {}, title)
        if path.suffix.lower() in (".html", ".htm")
        else _markdown(ordered, actions or {}, title)
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report {path} ({exc.strerror})", "choose another --report path"
        ) from exc


def _counts(matches: list[Match]) -> str:
    counts = {s: sum(m.status == s for m in matches) for s in ("matched", "ambiguous", "unmatched", "error")}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def _markdown(matches: list[Match], actions: dict[int, str], title: str) -> str:
    out = [
        f"# zotbridge evidence report{': ' + title if title else ''}",
        "",
        f"{len(matches)} papers: {_counts(matches)}. Papers to review come first.",
        "",
    ]
    for m in matches:
        head = f"## #{m.index} {m.status}" + (f": arXiv:{m.arxiv_id}" if m.arxiv_id else "")
        out += [head, "", f"**Listed title:** {m.title or '(none)'}", "", f"**Score:** {m.score:.2f}"]
        if m.index in actions:
            out += ["", f"**Zotero:** {actions[m.index]}"]
        if m.reason:
            out += ["", f"**Why:** {m.reason}"]
        if m.candidates:
            out += [
                "",
                "| candidate | score | title sim. | abstract sim. | why | title |",
                "|---|---:|---:|---:|---|---|",
            ]
            for c in m.candidates[:5]:
                abstract = "" if c.abstract_similarity is None else f"{c.abstract_similarity:.2f}"
                out.append(
                    f"| arXiv:{c.arxiv_id} | {c.score:.2f} | {c.title_similarity:.2f} | {abstract} | "
                    f"{_cell(c.why)} | {_cell(c.title)} |"
                )
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _html(matches: list[Match], actions: dict[int, str], title: str) -> str:
    e = html.escape
    rows = []
    for m in matches:
        candidates = "".join(
            f"<tr><td>arXiv:{e(c.arxiv_id)}</td><td>{c.score:.2f}</td><td>{c.title_similarity:.2f}</td>"
            f"<td>{'' if c.abstract_similarity is None else f'{c.abstract_similarity:.2f}'}</td>"
            f"<td>{e(c.why)}</td><td>{e(c.title)}</td></tr>"
            for c in m.candidates[:5]
        )
        table = (
            (
                f"<table><tr><th>candidate</th><th>score</th><th>title sim.</th><th>abstract sim.</th><th>why</th>"
                f"<th>title</th></tr>{candidates}</table>"
            )
            if candidates
            else ""
        )
        action = f"<p><b>Zotero:</b> {e(actions[m.index])}</p>" if m.index in actions else ""
        rows.append(
            f"<section class='{e(m.status)}'><h2>#{m.index} {e(m.status)}"
            f"{': arXiv:' + e(m.arxiv_id) if m.arxiv_id else ''}</h2>"
            f"<p><b>Listed title:</b> {e(m.title or '(none)')}</p><p><b>Score:</b> {m.score:.2f}</p>"
            f"{action}{'<p><b>Why:</b> ' + e(m.reason) + '</p>' if m.reason else ''}{table}</section>"
        )
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}.ambiguous h2{color:#b60}.unmatched h2{color:#a00}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>zotbridge evidence report</title>"
        f"<style>{style}</style></head><body><h1>zotbridge evidence report{': ' + e(title) if title else ''}</h1>"
        f"<p>{len(matches)} papers: {e(_counts(matches))}. Papers to review come first.</p>{''.join(rows)}"
        f"</body></html>\n"
    )


def write_published_report(path: Path, result: PublishedResult) -> None:
    """``published --report``: papers needing a look first (suggested, incomplete), each with its
    verdict, the records that decided, the reason and what --apply did."""
    order = {"suggested": 0, "incomplete": 1, "published": 2, "preprint": 3}
    papers = sorted(result.papers, key=lambda p: (order.get(p.check.verdict, 4) if p.check else 5, p.index))
    out = ["# zotbridge published-version report", "", f"{len(papers)} papers.", ""]
    for p in papers:
        row = p.to_json()
        out += [
            f"## #{p.index} {row['verdict'] or 'not resolved'}"
            + (f": arXiv:{p.arxiv_id}" if p.arxiv_id else "")
        ]
        out += ["", f"**Title:** {p.title}", ""]
        if row["venue"]:
            out += [
                f"**Venue:** {row['venue']} {row['year'] or ''} ({row['venue_class']}) {row['container'] or ''}",
                "",
            ]
        if row["doi"]:
            out += [f"**DOI:** {row['doi']}", ""]
        for source in row["sources"]:
            out.append(f"- {source['source']}: `{source['id']}`")
        out += ["", f"**Why:** {row['reason']}", ""]
        for name in ("bib", "zotero"):
            if row[name]:
                out += [f"**{'.bib' if name == 'bib' else 'Zotero'}:** {row[name]}", ""]
        if p.zotero_changes:
            out += [f"**Zotero item {p.item_key} changes:**", ""]
            out += [
                f"- `{name}`: {_cell(str(value).replace(chr(10), ' | '))}"
                for name, value in p.zotero_changes.items()
            ]
            out.append("")
        if result.bib and p.arxiv_id in result.bib.diffs:
            out += ["```diff", *result.bib.diffs[p.arxiv_id], "```", ""]
    try:
        path.write_text("\n".join(out), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report {path} ({exc.strerror})", "choose another --report path"
        ) from exc
