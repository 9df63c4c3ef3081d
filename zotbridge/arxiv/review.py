"""Settling ambiguous papers without editing code: a person chooses, the store remembers.

A *chooser* is asked about each ambiguous paper and answers with a candidate's arXiv id, ``none``
(the paper is not on arXiv: unmatched), or nothing (decide later). Two choosers exist:

* the terminal (``match --interactive``): candidates are listed, the user types a number;
* a decisions file (``match --decisions FILE``): JSON Lines that zotbridge writes with
  ``"choose": null`` for every open question and reads back once the user filled in
  ``"choose": "<arXiv id>"`` or ``"choose": "none"``.

A choice is stored as the paper's decision, so every later command (bib, push) uses it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from zotbridge.errors import InputError
from zotbridge.models import CandidateSource, ListedPaper, Match
from zotbridge.store import Store

Chooser = Callable[[ListedPaper, Match], str | None]


def settle(
    papers: list[ListedPaper], matches: list[Match], store: Store, source: CandidateSource, chooser: Chooser
) -> list[Match]:
    """``matches`` with the ambiguous ones the chooser decided replaced (and stored)."""
    by_index = {p.index: p for p in papers}
    out = []
    for match in matches:
        paper = by_index.get(match.index)
        if match.status != "ambiguous" or paper is None or paper.duplicate_of is not None:
            out.append(match)
            continue
        choice = chooser(paper, match)
        decided = _decided(match, choice, store, source) if choice else None
        if decided is None:
            out.append(match)
            continue
        store.put_decisions([(paper, decided)])
        out.append(decided)
    return out


def _decided(match: Match, choice: str, store: Store, source: CandidateSource) -> Match | None:
    if choice.lower() == "none":
        return Match(
            match.index,
            match.title,
            "unmatched",
            candidates=match.candidates,
            reason="not on arXiv (your decision)",
        )
    candidate = next((c for c in match.candidates if c.arxiv_id == choice), None)
    if candidate is None:
        raise InputError(
            f"arXiv:{choice} is not a candidate of paper #{match.index} ({match.title!r})",
            "choose one of the listed candidates, or none",
        )
    record = store.record(choice) or source.fetch_ids([choice]).get(choice)
    if record is None:
        raise InputError(f"arXiv has no paper {choice}", "choose another candidate")
    store.put_records([record])
    return Match(
        match.index,
        match.title,
        "matched",
        choice,
        candidate.score,
        match.candidates,
        "chosen by you among the candidates",
        record,
    )


class DecisionsFile:
    """The decisions file: read the user's answers, then write what is still open."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.answers: dict[int, tuple[str | None, str | None]] = {}
        if self.path.exists():
            for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    self.answers[int(row["index"])] = (row.get("title"), row.get("choose"))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(
                        f"{self.path}:{number}: not a decision line ({exc})",
                        'each line is {"index": N, "title": "…", "choose": "<arXiv id>" | "none" | null}',
                    ) from exc

    def choose(self, paper: ListedPaper, match: Match) -> str | None:
        title, choice = self.answers.get(match.index, (None, None))
        if choice is None or (title is not None and title != match.title):
            return None  # no answer, or the listing changed under the file
        return str(choice)

    def write_open(self, matches: list[Match]) -> int:
        """Rewrite the file with the papers still ambiguous; returns how many."""
        open_ones = [m for m in matches if m.status == "ambiguous"]
        lines = [
            json.dumps(
                {
                    "index": m.index,
                    "title": m.title,
                    "choose": None,
                    "reason": m.reason,
                    "candidates": [
                        {"arxiv_id": c.arxiv_id, "title": c.title, "score": round(c.score, 4)}
                        for c in m.candidates[:5]
                    ],
                },
                ensure_ascii=False,
            )
            for m in open_ones
        ]
        self.path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return len(open_ones)


def ask_on_terminal(prompt: Callable[[str], str], echo: Callable[[str], None]) -> Chooser:
    """A chooser that lists the candidates and reads a number, n (none) or Enter (later)."""

    def choose(paper: ListedPaper, match: Match) -> str | None:
        echo(f"\n#{match.index} {match.title}\n  {match.reason}")
        for number, c in enumerate(match.candidates[:9], 1):
            echo(f"  {number}. arXiv:{c.arxiv_id}  {c.score:.2f}  {c.title}")
        while True:
            answer = prompt("  which one? [1-9, n = not on arXiv, Enter = decide later] ").strip().lower()
            if not answer:
                return None
            if answer == "n":
                return "none"
            if answer.isdigit() and 1 <= int(answer) <= min(9, len(match.candidates)):
                return match.candidates[int(answer) - 1].arxiv_id
            echo("  please type a candidate's number, n, or just Enter")

    return choose
