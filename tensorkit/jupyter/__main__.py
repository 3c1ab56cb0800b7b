"""``python -m tensorkit.jupyter install [--user | --sys-prefix | --prefix PATH]``: install the
"Python 3 (tensorkit)" kernel, which starts with ``%load_ext tensorkit`` done."""

from __future__ import annotations

import argparse
import sys

from .kernel import install


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tensorkit.jupyter", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("install", help="install the tensorkit kernel spec")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for this user only")
    where.add_argument(
        "--sys-prefix", action="store_true", help="into sys.prefix (this environment; default)"
    )
    where.add_argument("--prefix", help="into another prefix (PREFIX/share/jupyter/kernels)")
    command.add_argument("--name", default="tensorkit", help="the kernel's name (tensorkit)")
    args = parser.parse_args(argv)
    prefix = args.prefix if args.prefix else (None if args.user else sys.prefix)
    path = install(user=args.user, prefix=prefix, name=args.name)
    print(f"installed the kernel spec {args.name!r} in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
