"""Draw projsync's icon: projsync/web/static/favicon.svg and favicon.ico.

Three Gantt bars on the header's dark blue. The ICO holds the same picture at
16 and 32 pixels as PNG frames, drawn here pixel by pixel (no imaging library).
Run `python scripts/favicon.py` after changing the shapes.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "projsync" / "web" / "static"
BACKGROUND = (0x24, 0x3B, 0x53)
# x, y, width, height on a 32-unit grid, and the colour of each bar
BARS = (
    (5, 7, 13, 5, (0x7A, 0xA7, 0xD9)),
    (11, 14, 16, 5, (0xFF, 0xFF, 0xFF)),
    (8, 21, 13, 5, (0xE5, 0x73, 0x73)),
)
RADIUS = 6


def _hex(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def svg() -> str:
    bars = "".join(
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="1.5" fill="{_hex(c)}"/>'
        for x, y, w, h, c in BARS
    )
    back = _hex(BACKGROUND)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="{RADIUS}" fill="{back}"/>{bars}</svg>\n'
    )


def _inside_rounded(px: float, py: float) -> bool:
    cx = min(max(px, RADIUS), 32 - RADIUS)
    cy = min(max(py, RADIUS), 32 - RADIUS)
    return (px - cx) ** 2 + (py - cy) ** 2 <= RADIUS**2


def _pixel(px: float, py: float) -> tuple[int, int, int, int]:
    if not _inside_rounded(px, py):
        return (0, 0, 0, 0)
    for x, y, w, h, colour in BARS:
        if x <= px < x + w and y <= py < y + h:
            return (*colour, 255)
    return (*BACKGROUND, 255)


def png(size: int) -> bytes:
    scale = 32 / size
    rows = b""
    for row in range(size):
        line = bytearray(b"\x00")  # no filter
        for col in range(size):
            samples = [
                _pixel((col + (i + 0.5) / 4) * scale, (row + (j + 0.5) / 4) * scale)
                for i in range(4)
                for j in range(4)
            ]  # 16 samples a pixel: smooth corners
            alpha = sum(s[3] for s in samples)
            if alpha == 0:
                line += bytes(4)
                continue
            colour = [sum(s[k] * s[3] for s in samples) // alpha for k in range(3)]
            line += bytes((*colour, alpha // len(samples)))
        rows += bytes(line)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes: tuple[int, ...] = (16, 32)) -> bytes:
    frames = [png(size) for size in sizes]
    offset = 6 + 16 * len(frames)
    directory = b""
    for size, frame in zip(sizes, frames, strict=True):
        directory += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(frame), offset)
        offset += len(frame)
    return struct.pack("<HHH", 0, 1, len(frames)) + directory + b"".join(frames)


if __name__ == "__main__":
    (STATIC / "favicon.svg").write_text(svg())
    (STATIC / "favicon.ico").write_bytes(ico())
