"""Colours, and the WCAG contrast arithmetic that proves they are readable.

Role colours are assigned in order of a role's first appearance on a path,
each with its own shape too, so that a grey-scale print still tells the
roles apart and colour is never the only carrier of meaning.
"""

from __future__ import annotations

from .model import Path

INK = "#1b1b1b"  # text
CARD = "#ffffff"
PAGE = "#ffffff"
BAND = "#eef3f7"
LINE = "#44546a"  # connectors and card borders
STATION = "#1f3b57"
LAMP = "#f5c400"
LAMP_INK = "#5a4300"
NOTE = "#fff8dc"

# Each at least 3:1 against white (WCAG 1.4.11), checked by the tests.
ROLE_COLOURS = ("#0b5cad", "#b0410e", "#1d7a4a", "#8a3ea6", "#8a5a00", "#0e7581", "#b3245e", "#56660f")
ROLE_SHAPES = ("circle", "square", "triangle", "diamond", "ring", "bar", "hexagon", "cross")


def role_style(path: Path, role_id: str) -> tuple[str, str]:
    order = path.role_order
    i = order.get(role_id, len(order))
    # Past eight roles the shapes shift by one, so no two roles share both colour and shape
    # until the 64th; the name is always written beside the mark anyway.
    return ROLE_COLOURS[i % len(ROLE_COLOURS)], ROLE_SHAPES[(i + i // len(ROLE_COLOURS)) % len(ROLE_SHAPES)]


def luminance(hex_colour: str) -> float:
    """Relative luminance as WCAG 2.1 defines it."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
