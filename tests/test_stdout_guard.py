"""Native engines that print to fd 1 must not corrupt our JSON (or JSON-RPC) on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# harper-py prints a debugging line to fd 1 for this sentence.
NOISY = "I am looking forward to see you soon.\n"


def test_json_output_survives_engine_prints(tmp_path: Path) -> None:
    doc = tmp_path / "noisy.md"
    doc.write_text(NOISY, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "prosewise.server", "review", str(doc), "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    data = json.loads(run.stdout)
    assert data["files"][0]["path"].endswith("noisy.md")
