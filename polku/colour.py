"""Colours, and the WCAG contrast arithmetic that proves they are readable.

Role colours and shapes are given out in marks.py, the same on the whole site.
"""

from __future__ import annotations

INK = "#1b1b1b"  # text
CARD = "#ffffff"
PAGE = "#ffffff"
BAND = "#eef3f7"
LINE = "#44546a"  # connectors and card borders
STATION = "#1f3b57"
LAMP = "#f5c400"
LAMP_INK = "#5a4300"
NOTE = "#fff8dc"


def luminance(hex_colour: str) -> float:
    """Relative luminance as WCAG 2.1 defines it."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
