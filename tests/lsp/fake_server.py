"""``python tests/lsp/fake_server.py [--lite]``: the real language server on fake engines
(tests/fake_engine.py), for tests about the protocol, settings and stores rather than
the engines: it answers as soon as it has started, with no engine to load."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from fake_engine import fake_hub

from prosewise.server.lsp import serve

IMPORTS = "PROSEWISE_TEST_IMPORTS"
"""A file to which the server appends the name of each litellm module it imports (the
audit hook below sees ``import`` statements, so litellm's submodules): test_model_pass.py
asserts that a server without a model never does."""


def note_litellm_imports(path: str) -> None:
    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "import" and str(args[0]).split(".")[0] == "litellm":
            with open(path, "a", encoding="utf-8") as out:
                out.write(f"{args[0]}\n")

    sys.addaudithook(hook)


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    if os.environ.get(IMPORTS):
        note_litellm_imports(os.environ[IMPORTS])
    lite = "--lite" in sys.argv[1:]
    serve(lite=lite, engines=fake_hub(lite=lite, wait=False))
