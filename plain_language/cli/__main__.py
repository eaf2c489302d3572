"""``python -m plain_language simplify --lang en FILE``

Prints ONE JSON object on stdout:
``{"simplified": ..., "replacements": [[original, replacement, kind], ...],
"grade_before": ..., "grade_after": ...}``.
A missing or unreadable file, or an unknown language, prints an error on
stderr and exits with status 1.  FILE may be ``-`` for standard input.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..readability import LANGUAGES


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on a usage error; callers of this tool expect 1."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m plain_language", description="Plain-language tools for clinical notes.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    simplify_cmd = commands.add_parser("simplify", help="rewrite a note in plain language, print JSON")
    simplify_cmd.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the note")
    simplify_cmd.add_argument("file", metavar="FILE", help="UTF-8 text file, or - for standard input")
    return parser


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        text = _read(args.file)
    except FileNotFoundError:
        parser.exit(1, f"error: file not found: {args.file}\n")
    except IsADirectoryError:
        parser.exit(1, f"error: {args.file} is a directory, not a file\n")
    except UnicodeDecodeError:
        parser.exit(1, f"error: {args.file} is not UTF-8 text\n")
    except OSError as error:
        parser.exit(1, f"error: cannot read {args.file}: {error.strerror or error}\n")

    from ..simplify import simplify   # imported late: --help stays instant

    result = simplify(text, args.lang)
    json.dump(
        {
            "simplified": result.text,
            "replacements": [list(r) for r in result.replacements],
            "grade_before": round(result.grade_before, 2),
            "grade_after": round(result.grade_after, 2),
        },
        sys.stdout,
        ensure_ascii=False,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
