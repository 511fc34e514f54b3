"""Screenshot of a report as a reader sees it on a laptop (1366 px wide), via headless Chromium.

    python -m reports.screenshot report.html docs/report.png [--width 1366] [--max-height 1700]

Exits 1 with an `Error:` line when Chromium is missing or the page logs an error or tries to
fetch anything (a report must be self-contained), so a broken page never becomes a picture.
"""

from __future__ import annotations

import argparse
import sys

from kantokuen.reports.browser import BrowserError, load_page
from kantokuen.reports.files import atomic_write_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reports.screenshot", description=__doc__.splitlines()[0]
    )
    parser.add_argument("html", help="report file to open")
    parser.add_argument("png", help="where to write the screenshot")
    parser.add_argument(
        "--width", type=int, default=1366, help="viewport width in pixels (default 1366)"
    )
    parser.add_argument(
        "--max-height",
        type=int,
        default=None,
        help="keep only the top of the page, this many pixels (default: the whole page)",
    )
    args = parser.parse_args(argv)
    try:
        page = load_page(args.html, width=args.width, screenshot=True, max_height=args.max_height)
    except BrowserError as exc:
        print(f"Error: {args.html}: {exc}", file=sys.stderr)
        return 1
    problems = page.errors + [f"request to {url}" for url in page.other_requests]
    if problems:
        for problem in problems:
            print(f"Error: {args.html}: {problem}", file=sys.stderr)
        return 1
    assert page.screenshot is not None
    atomic_write_bytes(args.png, page.screenshot)
    print(f"Wrote {args.png} ({args.width} px wide; {page.svg_count} charts)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
