"""``python -m prosewise.server.lsp [ARGS]``: the same as ``prosewise lsp [ARGS]``
(one argument parser and one start-up path, in server/cli.py)."""

from __future__ import annotations

import sys

from prosewise.server.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["lsp", *sys.argv[1:]]))
