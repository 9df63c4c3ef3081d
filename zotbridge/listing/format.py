"""What a kind of listing is to the reader: a name, how to recognise it, how to read it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper, ReadOptions


@dataclass(frozen=True)
class Format:
    name: str  # the --format value
    detect: Callable[[list[str]], bool]  # on the first lines of an input
    read: Callable[[Source, ReadOptions], Iterator[ListedPaper]]
    extensions: tuple[str, ...] = ()  # names that settle the format without looking inside


def first_content_line(lines: list[str]) -> str:
    return next((line for line in lines if line.strip()), "")
