"""What a saved chart shows: its decoded pixels, and how many are drawn in a colour.

A file's size says little about a chart: an empty canvas, or a panel saying "no model
values", is a PNG of many kilobytes too. The tests look for the colours the data is
drawn in instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.image import imread

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
A_LINE = 300  # pixels: far fewer than a line across a panel or a few bars have


def pixels(path: Path) -> np.ndarray:
    """(height, width, 3) RGB values 0-255 of a PNG file (which it must be)."""
    assert Path(path).read_bytes()[:8] == PNG_MAGIC, f"{path} is not a PNG"
    return np.rint(imread(path)[..., :3] * 255).astype(int)


def drawn_in(image: np.ndarray, colour: str, opacity: float = 1.0) -> int:
    """Pixels of `colour` ('#RRGGBB') laid at `opacity` over white (within rounding)."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    expected = opacity * rgb + (1.0 - opacity) * 255
    return int((np.abs(image - expected) <= 1.5).all(axis=-1).sum())
