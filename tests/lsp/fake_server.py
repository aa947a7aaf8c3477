"""``python tests/lsp/fake_server.py [--lite]``: the real language server on fake engines
(tests/fake_engine.py), for tests about the protocol, settings and stores rather than
the engines: it answers as soon as it has started, with no engine to load."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from fake_engine import fake_hub

from prosewise.server.lsp import serve

if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    lite = "--lite" in sys.argv[1:]
    serve(lite=lite, engines=fake_hub(lite=lite, wait=False))
