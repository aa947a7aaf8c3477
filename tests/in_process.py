"""What a ``prosewise`` command run in the test process did (conftest's ``prosewise``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """What one ``prosewise`` command did (as ``subprocess.CompletedProcess`` says it)."""

    returncode: int
    stdout: str
    stderr: str
