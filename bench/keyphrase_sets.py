"""The public keyphrase sets with gold labels (LIAAD's collection, in the project's reference
material): loaded as (title, abstract, gold keys) per document, for bench/train_ranker.py and
bench/tags_eval.py.

Abstract sets (Inspec, kdd, www) are used whole; kdd and www hold title and abstract on one line
with nothing between them, so the title is found where the abstract's first sentence starts
(_title_glued: in 302 of kdd's 307 documents and 666 of www's 685; the rest keep an empty title) —
a listing always has its titles. Full papers (SemEval2010, Nguyen2007,
citeulike180, theses100) are cut to what a listing holds: the first line as the title, then the
300 words that follow an "Abstract" heading (or the first line, when there is none) — the tags are
for titles and abstracts, and most of a full paper's gold keys are not in its abstract, which
lowers every method's recall alike.
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

from lemminflect import getAllLemmas

from zotbridge.tags.keyphrases import STOPWORDS

KEYPHRASE_DIR = Path(__file__).resolve().parents[2] / "shared" / "reference" / "keyphrase"
SETS = ("Inspec", "kdd", "www", "SemEval2010", "Nguyen2007", "citeulike180", "theses100")
FULL_PAPERS = ("SemEval2010", "Nguyen2007", "citeulike180", "theses100")
GLUED = ("kdd", "www")  # title and abstract on one line
ABSTRACT_WORDS = 300

Document = tuple[str, str, list[str]]


def load(name: str, directory: Path = KEYPHRASE_DIR) -> list[Document]:
    """Every document of a set with at least 20 words and one gold key, in file order."""
    out = []
    with zipfile.ZipFile(directory / f"{name}.zip") as archive:
        names = sorted(n for n in archive.namelist() if "/docsutf8/" in n and n.endswith(".txt"))
        for doc in names:
            text = archive.read(doc).decode("utf-8", "replace")
            key_name = doc.replace("docsutf8", "keys").replace(".txt", ".key")
            try:
                keys = [
                    k.strip()
                    for k in archive.read(key_name).decode("utf-8", "replace").splitlines()
                    if k.strip()
                ]
            except KeyError:
                continue
            title, abstract = _split(text, name in FULL_PAPERS)
            if keys and len(abstract.split()) >= 20:
                out.append((*(_title_glued(abstract) if name in GLUED else (title, abstract)), keys))
    return out


def _split(text: str, full_paper: bool) -> tuple[str, str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "", ""
    if len(lines) == 1:
        return "", lines[0]
    title, rest = lines[0], " ".join(lines[1:])
    if not full_paper:
        return title, rest
    m = re.search(r"\babstract\b[:.\s]*", rest, re.IGNORECASE)
    body = rest[m.end() :] if m else rest
    return title, " ".join(body.split()[:ABSTRACT_WORDS])


def _title_glued(text: str) -> tuple[str, str]:
    """kdd and www hold "Title in sentence case First sentence of the abstract …" on one line: the
    title ends before the first capitalised common word that follows a lower-case word or a question
    ("… opinion mining applications | Opinion mining became …", "… on the web | As sophisticated …",
    "… help online advertising? | Behavioral targeting …"). A proper
    noun the lexicon does not know is no boundary ("Mining Wikipedia …"); no boundary in the first
    30 words, no title."""
    words = text.split(" ")
    for i in range(2, min(len(words), 31)):
        word, before = words[i], words[i - 1]
        if (
            re.fullmatch(r"[A-Z][a-z]*", word)
            and re.search(r"[a-z0-9?!.]$", before)
            and (word.lower() in STOPWORDS or getAllLemmas(word.lower()))
        ):
            return " ".join(words[:i]), " ".join(words[i:])
    return "", text


def inspec_split(split: str, docs: int = 500, directory: Path = KEYPHRASE_DIR) -> list[Document]:
    """Inspec as docs/tags.md's protocol samples it: ``test`` = random.Random(0).sample of 500;
    ``dev`` = the next ``docs`` of the same shuffle (for choosing parameters); ``train`` = every
    document outside the test sample (dev included)."""
    out = []
    with zipfile.ZipFile(directory / "Inspec.zip") as archive:
        names = sorted(
            n for n in archive.namelist() if n.startswith("Inspec/docsutf8/") and n.endswith(".txt")
        )
        shuffled = random.Random(0).sample(names, len(names))
        chosen = {"test": shuffled[:500], "dev": shuffled[500 : 500 + docs], "train": shuffled[500:]}[split]
        for doc in chosen:
            title, abstract = _split(archive.read(doc).decode("utf-8"), False)
            key_name = doc.replace("docsutf8", "keys").replace(".txt", ".key")
            keys = [k.strip() for k in archive.read(key_name).decode("utf-8").splitlines() if k.strip()]
            out.append((title, abstract, keys))
    return out
