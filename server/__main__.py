"""``python -m prosewise.server``: the same as the ``prosewise`` command."""

from __future__ import annotations

from prosewise.server.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
