"""The ``zotbridge`` command: parse options, call one pipeline function, render.

Errors a user can act on end in one ``error:`` line and a ``hint:`` line with a documented exit
status (docs/cli.md); ``-v`` adds the traceback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from zotbridge import __version__, render
from zotbridge.config import DEFAULT_KEY_FORMAT, Settings, option_defaults
from zotbridge.errors import ExitStatus, InputError, ZotbridgeError
from zotbridge.models import (
    FORMATS,
    PDF_MODES,
    SOURCES,
    STYLES,
    BibStyle,
    ListedPaper,
    ListingFormat,
    PdfMode,
    Progress,
    ReadOptions,
    RecordSource,
)

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from zotbridge.bibtex.keys import Formula

# A command imports its machinery inside its function, so that `zotbridge --help`, `--version` and
# a small `parse` start in a fraction of the time the whole pipeline takes to import
# (bench/startup.py, docs/development.md).

log = logging.getLogger("zotbridge")
F = TypeVar("F", bound=Callable[..., Any])  # a command function, as click's decorators pass it on


class _Group(click.Group):
    """Turns exceptions into one clear message instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ZotbridgeError as exc:
            _fail(ctx, exc, exc.message, exc.hint, exc.exit_code)
        except BrokenPipeError:
            sys.stderr.close()  # output piped into `head`: not an error
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("zotbridge: interrupted", err=True)
            click.echo(
                "  hint: run the same command again: it continues where it stopped, without duplicates",
                err=True,
            )
            sys.exit(ExitStatus.INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line, with the way to get details
            _fail(
                ctx,
                exc,
                f"internal error: {type(exc).__name__}: {exc}",
                "run again with -v for the traceback, and please report it",
                ExitStatus.FAILURE,
            )


def _fail(ctx: click.Context, exc: BaseException, message: str, hint: str | None, code: int) -> None:
    if ctx.meta.get("zotbridge.verbose"):
        click.echo("".join(traceback.format_exception(exc)), err=True, nl=False)
    click.echo(f"zotbridge: error: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)
    sys.exit(code)


def _set_verbosity(ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if value:
        ctx.meta["zotbridge.verbose"] = ctx.meta.get("zotbridge.verbose", 0) + value
        _apply_log_level(ctx)
    return value


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["zotbridge.quiet"] = True
        _apply_log_level(ctx)
    return value


def _apply_log_level(ctx: click.Context) -> None:
    """Warnings by default; -q keeps errors only, -v adds details. Set on every invocation."""
    if ctx.meta.get("zotbridge.quiet"):
        level = logging.ERROR
    elif ctx.meta.get("zotbridge.verbose"):
        level = logging.DEBUG
    else:
        level = logging.WARNING
    log.setLevel(level)


def verbosity(command: F) -> F:
    """-v / -q, accepted before or after the sub-command name."""
    command = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_set_verbosity,
        help="More detail; on errors, the traceback.",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_quiet,
        help="Only errors and the requested output.",
    )(command)


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "info"
        click.echo(f"zotbridge: {level}: {record.getMessage()}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zotbridge")
@verbosity
def main() -> None:
    """Resolve listed papers to arXiv, write BibTeX, and file them into Zotero."""
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
    ctx = click.get_current_context()
    _apply_log_level(ctx)
    ctx.obj = Settings.from_env()  # read once per process; commands take it from here
    ctx.default_map = option_defaults(ctx.obj)  # [defaults] of the config file


def _settings() -> Settings:
    """The settings ``main`` read for this process."""
    settings = click.get_current_context().find_object(Settings)
    assert settings is not None  # main() always puts them there
    return settings


def source_options(command: F) -> F:
    """--offline / --source of the commands that resolve (docs/offline.md)."""
    command = click.option(
        "--source",
        type=click.Choice(SOURCES),
        default="auto",
        show_default=True,
        help="Where to resolve: the offline index first then the API (auto), or one of them.",
    )(command)
    return click.option(
        "--offline",
        is_flag=True,
        help="Resolve with the offline index only (zotbridge index build); no network.",
    )(command)


def listing_options(command: F, required: bool = True) -> F:
    """Options of every command that reads listings."""
    command = click.argument("listings", nargs=-1, required=required, metavar="LISTING...")(command)
    command = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="auto",
        show_default=True,
        help="Input format of every LISTING (auto detects per file).",
    )(command)
    command = click.option(
        "--encoding",
        default=None,
        metavar="CODEC",
        help="Text encoding of the inputs (default UTF-8, or per byte-order mark).",
    )(command)
    return click.option(
        "--listing-year",
        type=click.IntRange(1991, 2999),
        default=None,
        metavar="YEAR",
        help="Year of dates a Hugging Face page shows without one (default: inferred).",
    )(command)


@main.command()
@listing_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines on stdout, one object per paper.")
@verbosity
@click.pass_context
def parse(
    ctx: click.Context,
    listings: tuple[str, ...],
    fmt: ListingFormat,
    encoding: str | None,
    listing_year: int | None,
    as_json: bool,
) -> None:
    """Show what was read from LISTING... (files, or - for standard input)."""
    from zotbridge.listing import read_listings

    options = _read_options(fmt, encoding, listing_year)
    papers = read_listings(listings, options)
    count = repeats = 0

    def counted(items: Iterable[ListedPaper]) -> Iterator[ListedPaper]:
        nonlocal count, repeats
        for paper in items:
            count += 1
            repeats += paper.duplicate_of is not None
            yield paper

    if as_json:
        for paper in counted(papers):
            click.echo(json.dumps(paper.to_json(), ensure_ascii=False))
    else:
        width = render.terminal_width() if sys.stdout.isatty() else None
        for row in render.parse_table(counted(papers), width):
            click.echo(row)
    if not ctx.meta.get("zotbridge.quiet"):
        click.echo(render.parse_summary(count, len(listings), repeats), err=True)


def writing_options(dry_run_help: str, json_help: str) -> Callable[[F], F]:
    """--key-format, --dry-run, --json and --refresh of the commands that write (bib, push)."""

    def decorate(command: F) -> F:
        command = click.option(
            "--refresh", is_flag=True, help="Ask arXiv again instead of reusing stored decisions."
        )(command)
        command = click.option("--json", "as_json", is_flag=True, help=json_help)(command)
        command = click.option("--dry-run", is_flag=True, help=dry_run_help)(command)
        return click.option(
            "--key-format",
            default=DEFAULT_KEY_FORMAT,
            show_default=True,
            metavar="TEMPLATE",
            help="Citation key template for papers that have no key yet (docs/bibtex.md).",
        )(command)

    return decorate


def published_option(command: F) -> F:
    return click.option(
        "--published",
        "upgrade_published",
        is_flag=True,
        help="Cite the published version of what is published: checked as `zotbridge published` does, "
        "the Zotero item and the .bib entry upgraded together.",
    )(command)


def pdf_dir_option(command: F) -> F:
    return click.option(
        "--pdf-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        metavar="DIR",
        help="Also keep the papers' PDFs in DIR, named by citation key (vaswaniAttentionAllYou2017.pdf).",
    )(command)


def report_option(command: F) -> F:
    return click.option(
        "--report",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="Write an evidence report (Markdown, or HTML for .html): per paper the decision, "
        "score, candidates and why.",
    )(command)


def tag_options(command: F) -> F:
    """--tags N and --tag-prefix of the commands that make keyword tags."""
    command = click.option(
        "--tag-prefix", default="", metavar="TEXT", help='Put TEXT before every keyword tag (e.g. "kw:").'
    )(command)
    return click.option(
        "--tags",
        type=click.IntRange(0, 20),
        default=5,
        show_default=True,
        metavar="N",
        help="Keyword tags per paper, from its title and abstract (0: none).",
    )(command)


class _Progress:
    """Progress bars with ETA on stderr when it is a terminal (never into a pipe, never with -q).
    ``start(total)`` is handed to the pipeline, which calls it once per phase when it knows the
    phase's total: each call ends the previous bar and starts one labelled with the next label."""

    def __init__(self, ctx: click.Context, *labels: str):
        self.enabled = not ctx.meta.get("zotbridge.quiet") and sys.stderr.isatty()
        self.labels = list(labels)
        self.bar: ProgressBar[Any] | None = None

    def start(self, total: int, label: str | None = None) -> Callable[..., None]:
        self._end()
        if label is None:
            label = self.labels.pop(0) if len(self.labels) > 1 else self.labels[0]
        bar: ProgressBar[Any] = click.progressbar(
            length=total,
            label=label,
            file=sys.stderr,
            show_eta=True,
            show_pos=True,
            item_show_func=lambda info: str(info) if info else None,
        )
        bar.__enter__()
        self.bar = bar

        def tick(steps: int, info: str | None = None) -> None:
            if info is not None:
                bar.current_item = info
            if steps:
                bar.update(steps)
            else:
                bar.render_progress()  # click draws only on steps: the text alone must show too

        return tick

    def _end(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*(exc or (None, None, None)))
            self.bar = None

    def __enter__(self) -> Progress | None:
        return self.start if self.enabled else None

    def __exit__(self, *exc: Any) -> None:
        self._end(*exc)


@main.command()
@listing_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines on stdout, one object per paper.")
@click.option("--refresh", is_flag=True, help="Ask arXiv again instead of reusing stored decisions.")
@report_option
@click.option(
    "--interactive", is_flag=True, help="Ask on the terminal which candidate each ambiguous paper is."
)
@click.option(
    "--decisions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Apply the choices in FILE (JSON Lines), then write the still-open ambiguous papers to it.",
)
@source_options
@verbosity
@click.pass_context
def match(
    ctx: click.Context,
    listings: tuple[str, ...],
    fmt: ListingFormat,
    encoding: str | None,
    listing_year: int | None,
    as_json: bool,
    refresh: bool,
    report: Path | None,
    interactive: bool,
    decisions: Path | None,
    offline: bool,
    source: RecordSource,
) -> None:
    """Resolve LISTING... to arXiv records: matched, ambiguous (with candidates) or unmatched."""
    from zotbridge.arxiv.resolve import match_listings
    from zotbridge.arxiv.review import DecisionsFile, ask_on_terminal
    from zotbridge.report import write_report

    chooser = None
    decisions_file = DecisionsFile(decisions) if decisions else None
    if interactive:
        if not sys.stdin.isatty():
            raise InputError(
                "--interactive needs a terminal", "use --decisions FILE to decide in a file instead"
            )
        chooser = ask_on_terminal(
            lambda text: click.prompt(text, default="", show_default=False, err=True),
            lambda text: click.echo(text, err=True),
        )
    elif decisions_file:
        chooser = decisions_file.choose
    with _Progress(ctx, "Resolving") as progress:
        matches, requests = match_listings(
            list(listings),
            _read_options(fmt, encoding, listing_year),
            _settings(),
            refresh=refresh,
            progress=progress,
            chooser=chooser,
            source=_source(ctx),
        )
    if decisions_file:
        still_open = decisions_file.write_open(matches)
        if still_open:
            click.echo(
                f'zotbridge: {still_open} ambiguous papers are waiting in {decisions}: set "choose" to an '
                'arXiv id or "none", then run again',
                err=True,
            )
    if report:
        write_report(report, matches, title=", ".join(listings))
    _output(
        ctx,
        as_json,
        [m.to_json() for m in matches],
        lambda width: render.match_table(matches, width),
        render.match_summary(matches, requests),
    )


def _read_options(fmt: ListingFormat, encoding: str | None, listing_year: int | None) -> ReadOptions:
    return ReadOptions(format=fmt, encoding=encoding, listing_year=listing_year)


def _source(ctx: click.Context) -> RecordSource:
    """Where to resolve: --offline means the index only."""
    source: RecordSource = "index" if ctx.params.get("offline") else ctx.params.get("source", "auto")
    return source


def _output(
    ctx: click.Context,
    as_json: bool,
    objects: Iterable[dict[str, Any]],
    table: Callable[[int | None], Iterable[str]],
    summary: str,
) -> None:
    """JSON Lines of ``objects``, or the table (cut to the terminal's width on a terminal); the
    summary on stderr unless -q."""
    if as_json:
        for obj in objects:
            click.echo(json.dumps(obj, ensure_ascii=False))
    else:
        for line in table(render.terminal_width() if sys.stdout.isatty() else None):
            click.echo(line)
    if not ctx.meta.get("zotbridge.quiet"):
        click.echo(summary, err=True)


@main.command()
@functools.partial(listing_options, required=False)
@click.option(
    "--collection",
    default=None,
    metavar='"A/B"',
    help="Write the entries of this Zotero collection instead of a listing (as Better BibTeX exports them).",
)
@click.option("--recursive", is_flag=True, help="With --collection: the items of its sub-collections too.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .bib file to create or merge into.",
)
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="bibtex",
    show_default=True,
    help="bibtex: @misc for natbib/plainnat/IEEEtran; biblatex: @online with eprint fields, UTF-8.",
)
@click.option(
    "--comment-unresolved",
    is_flag=True,
    help="List papers that were not written in an @comment block of the file.",
)
@pdf_dir_option
@published_option
@writing_options("Show what would change; write nothing.", "JSON Lines on stdout, one object per paper.")
@source_options
@verbosity
@click.pass_context
def bib(
    ctx: click.Context,
    listings: tuple[str, ...],
    fmt: ListingFormat,
    encoding: str | None,
    listing_year: int | None,
    collection: str | None,
    recursive: bool,
    output: Path,
    style: BibStyle,
    key_format: str,
    comment_unresolved: bool,
    pdf_dir: Path | None,
    upgrade_published: bool,
    dry_run: bool,
    as_json: bool,
    refresh: bool,
    offline: bool,
    source: RecordSource,
) -> None:
    """Write the BibTeX of the papers in LISTING... (or of a Zotero collection) into a .bib file,
    merging with what is there."""
    from zotbridge.bibtex.export import bib_listings
    from zotbridge.bibtex.keys import Formula
    from zotbridge.zotero.published import publish_records
    from zotbridge.zotero.sync import library_keys

    if bool(listings) == bool(collection):
        raise InputError(
            "give LISTING... or --collection, one of the two",
            "to put a listing and a collection in one file, run zotbridge bib once for each: "
            "a paper in both gets one entry",
        )
    if upgrade_published and (collection or offline):
        raise InputError("--published needs LISTING... and the network", "leave out --collection / --offline")
    if collection:
        _bib_collection(
            ctx, collection, recursive, output, style, Formula.parse(key_format), dry_run, as_json
        )
        return

    with _Progress(ctx, "Resolving") as progress:
        matches, result = bib_listings(
            list(listings),
            _read_options(fmt, encoding, listing_year),
            _settings(),
            output,
            style=style,
            template=Formula.parse(key_format),
            comment_unresolved=comment_unresolved,
            dry_run=dry_run,
            refresh=refresh,
            source=_source(ctx),
            progress=progress,
            pdf_dir=pdf_dir,
            library_keys=None if _source(ctx) == "index" else library_keys,  # --offline: no network
            publish=functools.partial(publish_records, dry_run=dry_run) if upgrade_published else None,
        )
    rows = list(render.bib_rows(matches, result))
    _output(ctx, as_json, rows, lambda width: render.bib_table(rows, width), render.bib_summary(result))


def _bib_collection(
    ctx: click.Context,
    collection: str,
    recursive: bool,
    output: Path,
    style: BibStyle,
    template: Formula,
    dry_run: bool,
    as_json: bool,
) -> None:
    """``bib --collection``: the collection's entries (zotero/export.py)."""
    from zotbridge.zotero.export import bib_collection

    done = bib_collection(
        _settings(), collection, output, style=style, template=template, recursive=recursive, dry_run=dry_run
    )
    rows = done.rows()
    _output(
        ctx,
        as_json,
        rows,
        lambda width: render.collection_bib_table(rows, width),
        render.bib_summary(done.result)
        + f" ({len(rows)} items of {collection!r}; {done.requests} Zotero requests)",
    )


@main.command()
@functools.partial(listing_options, required=False)
@click.option(
    "--bib",
    "bib_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="The .bib whose entries --apply upgrades; without LISTING, its arXiv entries are the papers.",
)
@click.option(
    "--collection",
    default=None,
    metavar='"A/B"',
    help="Check the arXiv papers of this Zotero collection instead of a listing.",
)
@click.option("--recursive", is_flag=True, help="With --collection: the items of its sub-collections too.")
@click.option(
    "--apply", is_flag=True, help="Upgrade what is published: the .bib entry and the Zotero item, together."
)
@click.option("--allow-workshop", is_flag=True, help="Accept workshop papers as published versions.")
@click.option(
    "--search",
    type=click.Choice(["all", "nominated"]),
    default="all",
    show_default=True,
    help="Search DBLP for every paper older than four months, or only for those a source points at "
    "(a request less per paper; misses papers Semantic Scholar has not linked).",
)
@click.option("--no-zotero", is_flag=True, help="With --apply: leave the Zotero library alone.")
@click.option(
    "--dry-run", is_flag=True, help="Show what --apply would change (the entries' diffs); write nothing."
)
@click.option(
    "--json", "as_json", is_flag=True, help="JSON Lines on stdout, one object per paper, then a summary."
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write an evidence report (Markdown): per paper the verdict, the records that decided and why.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Ask the sources again instead of reusing stored verdicts (and decisions).",
)
@verbosity
@click.pass_context
def published(
    ctx: click.Context,
    listings: tuple[str, ...],
    fmt: ListingFormat,
    encoding: str | None,
    listing_year: int | None,
    bib_path: Path | None,
    collection: str | None,
    recursive: bool,
    apply: bool,
    allow_workshop: bool,
    search: str,
    no_zotero: bool,
    dry_run: bool,
    as_json: bool,
    report: Path | None,
    refresh: bool,
) -> None:
    """Find the published version of each arXiv paper in LISTING... (or in a Zotero collection, or
    in --bib FILE): a verdict with its evidence, and with --apply the upgrade of the .bib entry and
    the Zotero item."""
    from zotbridge.report import write_published_report
    from zotbridge.zotero.published import published_listings

    with _Progress(ctx, "Checking") as progress:
        result = published_listings(
            list(listings),
            _read_options(fmt, encoding, listing_year),
            _settings(),
            bib_path=bib_path,
            collection=collection,
            recursive=recursive,
            apply=apply,
            dry_run=dry_run,
            zotero=not no_zotero,
            refresh=refresh,
            allow_workshop=allow_workshop,
            search_all=search == "all",
            progress=progress,
        )
    if report is not None:
        write_published_report(report, result)
    objects = [p.to_json() for p in result.papers] + [result.summary_json()]
    _output(
        ctx,
        as_json,
        objects,
        lambda width: render.published_table(result, width),
        render.published_summary(result),
    )
    if any(p.check and p.check.verdict == "incomplete" for p in result.papers) or any(
        (p.zotero or "").startswith("failed") for p in result.papers
    ):
        sys.exit(ExitStatus.FAILURE)


@main.command()
@click.option(
    "--collection", required=True, metavar='"A/B"', help="Collection path; missing levels are created."
)
@listing_options
@click.option(
    "--bib",
    "bib_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the BibTeX (same citation keys) into this .bib file.",
)
@click.option(
    "--style", type=click.Choice(STYLES), default="bibtex", show_default=True, help="Style of --bib."
)
@click.option(
    "--category-tags/--no-category-tags",
    default=True,
    show_default=True,
    help="Add arXiv categories as automatic tags, as Zotero does.",
)
@click.option(
    "--comment-notes/--no-comment-notes",
    default=False,
    show_default=True,
    help='Save the authors\' comment ("13 pages") as a child note of each new item, as Zotero does.',
)
@click.option(
    "--pdf",
    type=click.Choice(PDF_MODES),
    default="stored",
    show_default=True,
    help="Attach the PDF as Zotero's arXiv import does (stored), as a link to arXiv (linked), or not.",
)
@pdf_dir_option
@published_option
@tag_options
@writing_options(
    "Print the plan; write nothing to Zotero or the .bib.",
    "JSON Lines: one object per paper, then a summary object.",
)
@report_option
@source_options
@verbosity
@click.pass_context
def push(
    ctx: click.Context,
    collection: str,
    listings: tuple[str, ...],
    fmt: ListingFormat,
    encoding: str | None,
    listing_year: int | None,
    bib_path: Path | None,
    style: BibStyle,
    key_format: str,
    category_tags: bool,
    comment_notes: bool,
    pdf: PdfMode,
    pdf_dir: Path | None,
    upgrade_published: bool,
    tags: int,
    tag_prefix: str,
    dry_run: bool,
    as_json: bool,
    refresh: bool,
    report: Path | None,
    offline: bool,
    source: RecordSource,
) -> None:
    """Resolve LISTING... and file the papers into a Zotero collection, once and only once."""
    from zotbridge.bibtex.keys import Formula
    from zotbridge.report import write_report
    from zotbridge.tags.select import TagOptions
    from zotbridge.zotero.push import PushOptions, push_listings

    options = PushOptions(
        dry_run=dry_run,
        template=Formula.parse(key_format),
        tag_options=TagOptions(count=tags, prefix=tag_prefix),
        with_category_tags=category_tags,
        comment_notes=comment_notes,
        bib_path=bib_path,
        bib_style=style,
        pdf_mode=pdf,
        pdf_dir=pdf_dir,
        published=upgrade_published,
    )
    with _Progress(ctx, "Resolving", "Writing to Zotero") as progress:
        matches, result, bib_result = push_listings(
            list(listings),
            _read_options(fmt, encoding, listing_year),
            _settings(),
            collection,
            options,
            refresh=refresh,
            source=_source(ctx),
            progress=progress,
        )
    if report:
        actions = {
            a.index: f"{a.action} {a.item_key or ''} {'; '.join(a.changes)}".strip() for a in result.actions
        }
        write_report(report, matches, actions, title=f"push into {collection!r}")
    objects = [a.to_json() for a in result.actions] + [result.summary_json()]
    _output(
        ctx,
        as_json,
        objects,
        lambda width: render.push_table(result.actions, width),
        render.push_summary(result, bib_result),
    )
    if any(a.action == "failed" or a.pdf == "failed" for a in result.actions):
        sys.exit(ExitStatus.FAILURE)


@main.command()
@listing_options
@tag_options
@click.option(
    "--no-resolve", is_flag=True, help="Tag the listing's own titles and abstracts; no network at all."
)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: {index, title, tags} per paper.")
@click.option("--refresh", is_flag=True, help="Ask arXiv again instead of reusing stored decisions.")
@verbosity
@click.pass_context
def tags(
    ctx: click.Context,
    listings: tuple[str, ...],
    fmt: ListingFormat,
    encoding: str | None,
    listing_year: int | None,
    tags: int,
    tag_prefix: str,
    no_resolve: bool,
    as_json: bool,
    refresh: bool,
) -> None:
    """Preview the keyword tags of the papers in LISTING..."""
    from zotbridge.tags.preview import preview as tags_preview
    from zotbridge.tags.select import TagOptions

    with _Progress(ctx, "Resolving") as progress:
        papers, coverage = tags_preview(
            list(listings),
            _read_options(fmt, encoding, listing_year),
            _settings(),
            TagOptions(count=tags, prefix=tag_prefix),
            resolve=not no_resolve,
            refresh=refresh,
            progress=progress,
        )
    _output(
        ctx,
        as_json,
        [p.to_json() for p in papers],
        lambda width: render.tags_table(papers, width),
        render.tags_summary(papers, coverage),
    )


@main.command()
@click.option(
    "--collection", required=True, metavar='"A"', help="The collection to organise (a path, like push)."
)
@click.option(
    "--by",
    type=click.Choice(["tags"]),
    default="tags",
    show_default=True,
    help="Group by the items' keyword tags (or by --rules).",
)
@click.option(
    "--min-items",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    metavar="K",
    help="A tag needs at least K items to get a sub-collection.",
)
@click.option(
    "--max-collections",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    metavar="M",
    help="At most M sub-collections, most used tags first.",
)
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="TOML file of [[group]] name + tag patterns, instead of one sub-collection per tag.",
)
@click.option(
    "--prune", is_flag=True, help="Also remove items from group sub-collections they no longer fit."
)
@click.option("--dry-run", is_flag=True, help="Show the tree it would build; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="One object per sub-collection, then a summary object.")
@verbosity
@click.pass_context
def organize(
    ctx: click.Context,
    collection: str,
    by: str,
    min_items: int,
    max_collections: int,
    rules: Path | None,
    prune: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """File the items of a collection into sub-collections by tag (idempotent)."""
    from zotbridge.zotero.organize import organize_library, read_rules

    result = organize_library(
        _settings(),
        collection,
        min_items=min_items,
        max_collections=max_collections,
        rules=read_rules(rules) if rules else None,
        prune=prune,
        dry_run=dry_run,
    )
    objects = [g.to_json() for g in result.groups] + [result.summary_json()]
    _output(
        ctx,
        as_json,
        objects,
        lambda width: render.organize_table(result, width),
        render.organize_summary(result),
    )
    if result.failed:
        sys.exit(ExitStatus.FAILURE)


@main.command()
@click.option(
    "--group", type=int, default=None, metavar="ID", help="Use this group library instead of your own."
)
@click.option(
    "--s2",
    is_flag=True,
    help="Keep an optional Semantic Scholar API key instead (zotbridge published asks S2 faster with one).",
)
@verbosity
def login(group: int | None, s2: bool) -> None:
    """Check a Zotero API key and keep it in the system keyring (asked for, hidden)."""
    from zotbridge.zotero.account import login as zotero_login

    settings = _settings()
    if s2:
        from zotbridge.published.account import s2_login

        s2_login(settings, click.prompt("Semantic Scholar API key", hide_input=True, err=True))
        click.echo("Semantic Scholar key checked; it is in the system keyring", err=True)
        return
    api_key = click.prompt("Zotero API key (https://www.zotero.org/settings/keys)", hide_input=True, err=True)
    done = zotero_login(settings, api_key, group)
    click.echo(
        f"logged in: library {done.credentials.prefix}"
        + (f" ({done.username})" if done.username else "")
        + "; the key is in the system keyring",
        err=True,
    )


@main.command()
@verbosity
def logout() -> None:
    """Remove the API key from the keyring and the library from the configuration (and the
    Semantic Scholar key, if one is kept)."""
    from zotbridge.published.account import s2_logout
    from zotbridge.zotero.account import logout as zotero_logout

    prefix = zotero_logout(_settings())
    click.echo(f"logged out of {prefix}" if prefix else "not logged in", err=True)
    if s2_logout():
        click.echo("the Semantic Scholar key is removed too", err=True)


@main.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the demo keeps its files (default: a new temporary directory).",
)
@verbosity
@click.pass_context
def demo(ctx: click.Context, workdir: Path | None) -> None:
    """Run the whole job on a shipped listing against local emulators (offline, touches nothing of yours)."""
    import tempfile

    from zotbridge.demo import run_demo

    workdir = workdir or Path(tempfile.mkdtemp(prefix="zotbridge-demo-"))
    with _Progress(ctx, "Resolving") as progress:
        result = run_demo(workdir, progress=progress)
    for line in render.demo_report(result):
        click.echo(line)


def _port_options(command: F) -> F:
    """``--arxiv-port``, ``--zotero-port``, …: one option per emulator of zotbridge.sandbox.PORTS."""
    from zotbridge.sandbox import PORTS

    for name, (service, default) in reversed(PORTS.items()):
        command = click.option(
            f"--{name}-port",
            type=click.IntRange(0, 65535),
            default=default,
            show_default=True,
            help=f"Port of the {service} emulator (0: any free port).",
        )(command)
    return command


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback).")
@_port_options
@click.option(
    "--corpus",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="arXiv snapshot-format JSON Lines to serve (default: the shipped demo corpus).",
)
@click.option(
    "--state",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for the Zotero library and key (default: ZOTBRIDGE_HOME/sandbox).",
)
@click.option(
    "--flood",
    type=click.IntRange(0, 100_000),
    default=0,
    show_default=True,
    help="Large-corpus mode: add this many papers per short or common title phrase, so that "
    "phrases have thousands of hits as on arXiv (2000 ≈ 150,000 papers, a minute to load).",
)
@click.option(
    "--soft-faults",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Answer this share of arXiv requests with a soft failure real users have seen "
    "(200 'Rate exceeded.', 429, 503, a blank or empty answer).",
)
@verbosity
def sandbox(
    host: str,
    corpus: Path | None,
    state: Path | None,
    flood: int,
    soft_faults: float,
    **ports: int,
) -> None:
    """Start the local arXiv, Zotero, DBLP, Semantic Scholar, ACL Anthology and Crossref emulators
    and print how to point zotbridge at them."""
    import signal
    import time

    from zotbridge.sandbox.services import start_sandbox

    state = state or _settings().home / "sandbox"
    ports = {option.removesuffix("_port"): port for option, port in ports.items()}
    with start_sandbox(state, corpus, host, ports, flood=flood) as running:
        # SIGTERM stops it like Ctrl-C, from before the lines that say it runs. The handler raises
        # rather than setting an Event the main thread waits on: it runs in the main thread, and
        # Event.set() there can deadlock on the lock the interrupted Event.wait() holds (a sandbox
        # that never stopped, seen in a test).
        signal.signal(signal.SIGTERM, _interrupt)
        if soft_faults:
            running.arxiv.faults.at_random(soft_faults)
        click.echo(
            "# zotbridge sandbox: local arXiv, Zotero and published-version emulators. In another shell, run:"
        )
        for name, value in running.env().items():
            click.echo(f"export {name}={value}")
        click.echo(f"# Zotero library state: {state}. Stop with Ctrl-C.", err=True)
        sys.stdout.flush()
        # Short sleeps: the kernel may deliver SIGTERM to a server thread, and then only records it
        # for the main thread, which runs the handler when it next wakes (a sandbox that slept on
        # for an hour after SIGTERM, seen with py-spy).
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(0.25)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


@main.group(cls=_Group)
def config() -> None:
    """Where the configuration file is, and what is in effect."""


@config.command("path")
def config_path() -> None:
    """Print the path of the configuration file (it may not exist yet)."""
    click.echo(str(_settings().config_path))


@config.command("show")
@verbosity
def config_show() -> None:
    """Print the settings in effect and where each comes from (secrets are never shown)."""
    from zotbridge.config import describe_settings

    for line in render.config_lines(describe_settings(_settings())):
        click.echo(line)


@main.command()
@verbosity
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check Python, dependencies, keyring, store, credentials and the arXiv and Zotero endpoints."""
    from zotbridge.doctor import run_checks

    checks = run_checks(_settings())
    for line in render.doctor_lines(checks):
        click.echo(line)
    failed = sum(c.status == "fail" for c in checks)
    if not ctx.meta.get("zotbridge.quiet"):
        click.echo(
            f"{len(checks)} checks: {failed} to fix" if failed else f"{len(checks)} checks: all good",
            err=True,
        )
    if failed:
        sys.exit(ExitStatus.FAILURE)


@main.group(cls=_Group)
def index() -> None:
    """The offline arXiv index: resolve from arXiv's metadata snapshot, with no network."""


class _Counter:
    """A progress bar of unknown length (rows of a streamed snapshot), on a terminal only."""

    def __init__(self, ctx: click.Context, label: str):
        self.enabled = not ctx.meta.get("zotbridge.quiet") and sys.stderr.isatty()
        self.label, self.count, self.last = label, 0, 0.0

    def __call__(self, n: int) -> None:
        import time

        self.count += n
        if self.enabled and time.monotonic() - self.last > 0.5:
            self.last = time.monotonic()
            click.echo(f"\r{self.label}: {self.count:,} rows", err=True, nl=False)

    def done(self) -> None:
        if self.enabled:
            click.echo("", err=True)


def _index_command(name: str, label: str, verb: str, job: str, help_text: str) -> None:
    """``index build`` and ``index update``: a snapshot in, a summary out."""

    @index.command(name, help=help_text)
    @click.argument("snapshot", metavar="SNAPSHOT")
    @verbosity
    @click.pass_context
    def command(ctx: click.Context, snapshot: str) -> None:
        from zotbridge.arxiv import index as offline_index

        counter = _Counter(ctx, label)
        report = getattr(offline_index, job)(snapshot, _settings().home, progress=counter)
        counter.done()
        click.echo(render.index_summary(verb, report), err=True)


_index_command(
    "build",
    "Indexing",
    "built",
    "build",
    "Build the index from SNAPSHOT (plain, .gz or .zip JSON Lines; - for stdin).",
)
_index_command(
    "update",
    "Updating",
    "updated",
    "update",
    "Apply a newer snapshot: only new and changed rows are rewritten.",
)


@index.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@verbosity
def index_status(as_json: bool) -> None:
    """Rows, snapshot date and size of the offline index."""
    from zotbridge.arxiv import index as offline_index

    info = offline_index.status(_settings().home)
    if info is None:
        raise InputError("there is no offline arXiv index", "build one: zotbridge index build SNAPSHOT")
    click.echo(json.dumps(info) if as_json else render.index_status(info))
