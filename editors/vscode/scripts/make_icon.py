"""Draw icon.png (128x128): a check mark written like a pen stroke on a teal tile.

Pure standard library (zlib + struct), so regenerating it needs no image package:
    python3 scripts/make_icon.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

SIZE, SAMPLES = 128, 4
TILE, MARK = (16, 110, 120), (255, 255, 255)
STROKE = ((30.0, 66.0), (54.0, 90.0), (100.0, 38.0))  # the check's three points
WIDTH, RADIUS = 7.0, 26.0


def _segment_distance(p: tuple[float, float], a: tuple[float, float],
                      b: tuple[float, float]) -> float:
    ax, ay = p[0] - a[0], p[1] - a[1]
    bx, by = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, (ax * bx + ay * by) / (bx * bx + by * by)))
    return math.hypot(ax - t * bx, ay - t * by)


def _inside_tile(x: float, y: float) -> bool:
    """Inside a square with rounded corners of ``RADIUS``."""
    cx = min(max(x, RADIUS), SIZE - RADIUS)
    cy = min(max(y, RADIUS), SIZE - RADIUS)
    return math.hypot(x - cx, y - cy) <= RADIUS


def _pixel(px: int, py: int) -> bytes:
    tile = mark = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            x, y = px + (i + 0.5) / SAMPLES, py + (j + 0.5) / SAMPLES
            if _inside_tile(x, y):
                tile += 1
                near = min(_segment_distance((x, y), STROKE[k], STROKE[k + 1]) for k in (0, 1))
                mark += near <= WIDTH
    n = SAMPLES * SAMPLES
    alpha = round(255 * tile / n)
    share = mark / tile if tile else 0.0
    rgb = [round(t + (m - t) * share) for t, m in zip(TILE, MARK, strict=True)]
    return bytes([*rgb, alpha])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main() -> None:
    rows = b"".join(b"\0" + b"".join(_pixel(x, y) for x in range(SIZE)) for y in range(SIZE))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
           + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))
    Path(__file__).resolve().parent.parent.joinpath("icon.png").write_bytes(png)


if __name__ == "__main__":
    main()
