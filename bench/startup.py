"""Start-up time of the command line: `zotbridge --version`, `--help` and `parse` of a
three-line file, each against `python -c pass` (the interpreter's own start) measured in the same
run, median of several runs (docs/development.md).

Run: python bench/startup.py [--runs 15]   (from the repository root, with zotbridge installed)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    listing = Path(tempfile.mkdtemp()) / "small.txt"
    listing.write_text("2311.05440\nAttention Is All You Need\n2408.04498\n", encoding="utf-8")
    yardstick = median_seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass: {yardstick * 1000:.0f} ms (the yardstick)")
    for name, command in [
        ("zotbridge --version", ["--version"]),
        ("zotbridge --help", ["--help"]),
        ("zotbridge parse (3 lines)", ["parse", str(listing)]),
    ]:
        seconds = median_seconds([sys.executable, "-m", "zotbridge", *command], args.runs)
        print(
            f"{name}: {seconds * 1000:.0f} ms, {(seconds - yardstick) * 1000:.0f} ms above the interpreter "
            f"({seconds / yardstick:.1f}x)"
        )


if __name__ == "__main__":
    main()
