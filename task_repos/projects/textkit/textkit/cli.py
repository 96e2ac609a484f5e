"""Command line entry point: ``textkit count|wrap|columns|slug``."""

import argparse
import sys

from textkit.counts import stats
from textkit.slug import slugify
from textkit.table import align_columns, parse_delimited, render_table
from textkit.wrap import fill

# (flag, TextStats field) in output order, as `wc` prints them.
_COUNT_COLUMNS = (("lines", "lines"), ("words", "words"), ("chars", "chars"), ("max_line_width", "longest_line"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textkit", description="Small text utilities.")
    commands = parser.add_subparsers(dest="command", required=True)

    count = commands.add_parser("count", help="count lines, words and characters")
    count.add_argument("-l", "--lines", action="store_true", help="print the line count")
    count.add_argument("-w", "--words", action="store_true", help="print the word count")
    count.add_argument("-c", "--chars", action="store_true", help="print the character count")
    count.add_argument(
        "-L", "--max-line-width", action="store_true", help="print the display width of the widest line"
    )
    count.add_argument("files", nargs="*", help="files to read; none or '-' reads standard input")

    wrap = commands.add_parser("wrap", help="wrap paragraphs to a width")
    wrap.add_argument("-w", "--width", type=int, default=72, help="line width in cells (default 72)")
    wrap.add_argument("-j", "--justify", action="store_true", help="justify all but the last line of a paragraph")
    wrap.add_argument("files", nargs="*")

    columns = commands.add_parser("columns", help="align delimited text into columns")
    columns.add_argument("-d", "--delimiter", default=None, help="cell delimiter (default: runs of whitespace)")
    columns.add_argument("-a", "--align", default=None, help="one of l/r/c per column, e.g. 'lrr'")
    columns.add_argument("-s", "--sep", default="  ", help="text between columns (default two spaces)")
    columns.add_argument("--header", action="store_true", help="underline the first row")
    columns.add_argument("files", nargs="*")

    slug = commands.add_parser("slug", help="turn words into a URL slug")
    slug.add_argument("words", nargs="+")
    slug.add_argument("--sep", default="-")
    slug.add_argument("--max-length", type=int, default=None)
    return parser


def _read_inputs(paths, stdin) -> list:
    """(name, text) for each path; standard input has the name ''."""
    if not paths:
        return [("", stdin.read())]
    inputs = []
    for path in paths:
        if path == "-":
            inputs.append(("", stdin.read()))
            continue
        with open(path, encoding="utf-8") as handle:
            inputs.append((path, handle.read()))
    return inputs


def _total(field: str, results) -> int:
    values = [getattr(result, field) for result in results]
    # As in `wc`, the total of a maximum is the largest one, not the sum.
    return max(values) if field == "longest_line" else sum(values)


def _count(args, inputs) -> list:
    chosen = [field for flag, field in _COUNT_COLUMNS if getattr(args, flag)]
    if not chosen:
        chosen = ["lines", "words", "chars"]
    results = [stats(text) for _, text in inputs]
    rows = [[str(getattr(result, field)) for field in chosen] + [name] for (name, _), result in zip(inputs, results)]
    if len(inputs) > 1:
        rows.append([str(_total(field, results)) for field in chosen] + ["total"])
    return align_columns(rows, align="r" * len(chosen) + "l", sep=" ")


def _columns(args, inputs) -> list:
    rows = [row for _, text in inputs for row in parse_delimited(text, args.delimiter)]
    if args.header:
        return render_table(rows, header=True, align=args.align, sep=args.sep).splitlines()
    return align_columns(rows, align=args.align, sep=args.sep)


def _wrap(args, inputs) -> list:
    text = "\n\n".join(text for _, text in inputs)
    return fill(text, args.width, justified=args.justify).splitlines()


def main(argv=None, stdin=None, stdout=None) -> int:
    """Run the command line; returns the exit status."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    args = build_parser().parse_args(argv)
    if args.command == "slug":
        lines = [slugify(" ".join(args.words), sep=args.sep, max_length=args.max_length)]
    else:
        try:
            inputs = _read_inputs(args.files, stdin)
        except OSError as error:
            print(f"textkit: {error.filename}: {error.strerror}", file=sys.stderr)
            return 1
        if args.command == "count":
            lines = _count(args, inputs)
        elif args.command == "wrap":
            if args.width < 1:
                print("textkit: --width must be at least 1", file=sys.stderr)
                return 2
            lines = _wrap(args, inputs)
        else:
            lines = _columns(args, inputs)
    for line in lines:
        stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
