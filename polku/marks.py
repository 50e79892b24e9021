"""Role marks: one shape, colour and pictogram for each role, the same on the whole site.

A client learns "the purple diamond with a house is my omatyöntekijä" once,
and finds the same mark in every diagram and its legend, beside the role's
name in the step texts, on the who-is-who page and in the handouts.

How marks are given out (docs/format.md, "Role marks"):

- A look is a symbol and a colour: 10 symbols x 10 colours. Each role has a
  starting look from a stable hash (SHA-256) of its id, so the same id
  starts at the same look on every machine and in every build.
- Shared roles (_roles.yaml) are given looks from their own definitions
  only, never from the paths: adding, removing or reordering paths cannot
  change them. They are placed one at a time, in the order of _roles.yaml
  (editor-fixed ones first), each taking the first look, counting from its
  starting look, whose symbol and colour no earlier shared role has; when no
  such look is left, one whose symbol is free, then one whose colour is
  free, then any look not yet taken. Up to ten shared roles therefore all
  differ in both symbol and colour; and no two shared roles ever share a
  look. A role added at the end of _roles.yaml changes no other role's mark.
- A path's own roles are placed the same way after the shared roles the
  path uses, preferring looks that no shared role has at all. They depend
  on their own path file only, so another path cannot change them. A
  translation shows its original's marks.
- `symbol:` and `colour:` in a role's definition fix its look (either or
  both); `icon:` picks its pictogram. Two roles of one path with the same
  fixed look are an error.

Drawing: every mark is drawn in a 24 x 24 box, as plain SVG paths (a shape
filled with the role's colour, the pictogram stroked in white on it), and
placed with a transform, so that the mark's own markup is byte for byte the
same wherever it appears.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache, lru_cache
from importlib import resources

from .colour import CARD, contrast
from .model import Mark, Role

MIN_CONTRAST = 3.0  # WCAG 1.4.11, non-text contrast: the mark against the card, the white pictogram against the mark

SYMBOLS = ("circle", "square", "triangle", "diamond", "pentagon", "hexagon", "star", "shield", "drop", "cross")

# Each at least 3:1 against the white card (and so the white pictogram against it);
# the tests compute it. Names are what editors write in `colour:`.
PALETTE = {
    "blue": "#0b5cad",
    "rust": "#b0410e",
    "green": "#1d7a4a",
    "purple": "#8a3ea6",
    "brown": "#8a5a00",
    "teal": "#0e7581",
    "rose": "#b3245e",
    "olive": "#56660f",
    "grey": "#5f6368",
    "indigo": "#4338ca",
}
COLOURS = tuple(PALETTE.values())
LOOKS = tuple((s, c) for s in SYMBOLS for c in COLOURS)

_HEX = re.compile(r"#[0-9a-fA-F]{6}")

# The shapes in the 24 x 24 box, and the square (x, y, side) where the pictogram sits inside each.
SHAPES = {
    "circle": ("M0 12a12 12 0 1 0 24 0a12 12 0 1 0 -24 0z", (5, 5, 14)),
    "square": ("M3.5 1h17a2.5 2.5 0 0 1 2.5 2.5v17a2.5 2.5 0 0 1 -2.5 2.5h-17a2.5 2.5 0 0 1 -2.5 -2.5v-17a2.5 2.5 0 0 1 2.5 -2.5z", (4.5, 4.5, 15)),
    "triangle": ("M12 0.5L23.8 23H0.2z", (6.5, 11, 11)),
    "diamond": ("M12 0L24 12L12 24L0 12z", (5.5, 5.5, 13)),
    "pentagon": ("M12 0.3L23.9 9L19.4 23.3H4.6L0.1 9z", (5.5, 7, 13)),
    "hexagon": ("M6 1.6H18L24 12L18 22.4H6L0 12z", (5, 5, 14)),
    "star": ("M12 0L15.3 7.6L23.4 8.3L17.3 13.8L19.1 21.8L12 17.6L4.9 21.8L6.7 13.8L0.6 8.3L8.7 7.6z", (6.5, 7, 11)),
    "shield": ("M2 1.5H22V11.5C22 17.5 17.5 21.5 12 23.5C6.5 21.5 2 17.5 2 11.5z", (5, 4, 14)),
    "drop": ("M12 0.5C16 6 20.5 10.5 20.5 15.3A8.5 8.5 0 0 1 3.5 15.3C3.5 10.5 8 6 12 0.5z", (6, 9, 12)),
    "cross": ("M7 0.5H17V7H23.5V17H17V23.5H7V17H0.5V7H7z", (5.5, 5.5, 13)),
}
ICON_STROKE = 2.5  # in the pictogram's own 24-unit box: bolder than Tabler's 2, for small marks


@cache
def _icon_data() -> dict:
    return json.loads(resources.files("polku").joinpath("assets/icons/tabler.json").read_text(encoding="utf-8"))


def icons() -> dict[str, list[str]]:
    """Pictogram name -> its SVG path data (24 x 24 box)."""
    return _icon_data()["icons"]


def icon_descriptions() -> dict[str, str]:
    """Pictogram name -> what it shows, in Finnish (for the editors' guide)."""
    return _icon_data()["descriptions"]


# ---------------------------------------------------------------- checking what editors wrote


def colour_hex(value: str) -> str | None:
    """A palette name or a #rrggbb code as a lowercase code; None if it is neither."""
    if value in PALETTE:
        return PALETTE[value]
    if _HEX.fullmatch(value):
        return value.lower()
    return None


def look_problems(definition: dict) -> list[tuple[str, str]]:
    """(key, message) for each unusable symbol, colour or icon in one role's definition.
    The schema checks the symbol's spelling and the types; this checks the rest."""
    from .errors import did_you_mean, quote

    out = []
    colour = definition.get("colour")
    if isinstance(colour, str):
        code = colour_hex(colour)
        if code is None:
            out.append(("colour", f"{quote(colour)} is not a colour polku knows{did_you_mean(colour, PALETTE)}; write one of {', '.join(PALETTE)}, or a colour code such as #0b5cad"))
        elif (ratio := contrast(code, CARD)) < MIN_CONTRAST:
            out.append(("colour", f"{quote(colour)} is too light: its contrast against the white card is {ratio:.1f}:1, and a mark needs at least {MIN_CONTRAST:g}:1; choose a darker colour, or one of {', '.join(PALETTE)}"))
    icon = definition.get("icon")
    if isinstance(icon, str) and icon not in icons():
        out.append(("icon", f"there is no icon {quote(icon)}{did_you_mean(icon, icons())}; the icons are listed in the editors' guide (docs/opas.md) and docs/format.md"))
    return out


# ---------------------------------------------------------------- giving out marks


@lru_cache(maxsize=4096)
def _start(role_id: str) -> int:
    return int.from_bytes(hashlib.sha256(role_id.encode("utf-8")).digest()[:8], "big") % len(LOOKS)


def _wanted(role: Role) -> tuple[str, str | None]:
    """The symbol and colour the editor fixed; a misspelt one (reported by the checks) fixes nothing."""
    return (role.symbol if role.symbol in SYMBOLS else ""), (colour_hex(role.colour) if role.colour else None)


def describe(mark: Mark) -> str:
    """'blue diamond' in the words editors write, for messages."""
    names = {code: name for name, code in PALETTE.items()}
    return f"{names.get(mark.colour, mark.colour)} {mark.symbol}"


def _choose(role: Role, taken: list[Mark], elsewhere: frozenset) -> tuple[str, str]:
    symbol, colour = _wanted(role)
    if symbol and colour:
        return symbol, colour
    shapes = {m.symbol for m in taken}
    colours = {m.colour for m in taken}
    pairs = {(m.symbol, m.colour) for m in taken}
    start = _start(role.id)
    if colour and colour not in COLOURS:  # an editor's own colour code: any symbol with it
        candidates = [((start + i) % len(SYMBOLS), (s, colour)) for i, s in enumerate(SYMBOLS)]
    else:
        candidates = [(i, LOOKS[(start + i) % len(LOOKS)]) for i in range(len(LOOKS))]
    best = None
    for distance, (s, c) in candidates:
        if (symbol and s != symbol) or (colour and c != colour):
            continue
        if (s, c) in pairs:
            tier = 4
        elif s not in shapes and c not in colours:
            tier = 0
        elif s not in shapes:
            tier = 1
        elif c not in colours:
            tier = 2
        else:
            tier = 3
        key = (tier, (s, c) in elsewhere, distance)
        if best is None or key < best[0]:
            best = (key, (s, c))
    return best[1]


def _assign(roles: list[Role], taken: list[Mark], elsewhere: frozenset = frozenset()) -> dict[str, Mark]:
    """Marks for roles in the given order, editor-fixed looks first, each avoiding those taken."""
    taken = list(taken)
    out: dict[str, Mark] = {}
    fixed_first = sorted(roles, key=lambda r: (not (r.symbol and r.colour), not (r.symbol or r.colour)))  # stable: keeps file order
    for role in fixed_first:
        symbol, colour = _choose(role, taken, elsewhere)
        out[role.id] = Mark(symbol, colour, role.icon)
        taken.append(out[role.id])
    return out


def shared_marks(roles: list[Role]) -> dict[str, Mark]:
    """The shared roles' marks, in the order of _roles.yaml: independent of every path."""
    return _assign(roles, [])


def local_marks(roles: list[Role], shared_used: list[Mark], shared_all: list[Mark]) -> dict[str, Mark]:
    """A path's own roles' marks, after the shared roles it uses; looks of any shared role avoided where possible."""
    return _assign(roles, shared_used, frozenset((m.symbol, m.colour) for m in shared_all))


def look_alike(roles: list[Role]) -> list[tuple[Role, Role]]:
    """Pairs (earlier, later) of roles whose marks have the same symbol and colour."""
    seen: dict[tuple[str, str], Role] = {}
    out = []
    for role in roles:
        if role.mark is None:
            continue
        key = (role.mark.symbol, role.mark.colour)
        if key in seen:
            out.append((seen[key], role))
        else:
            seen[key] = role
    return out


# ---------------------------------------------------------------- drawing


def _num(x: float) -> str:
    text = f"{round(x, 3):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@lru_cache(maxsize=1024)
def body(mark: Mark) -> str:
    """The mark's inside, in its 24 x 24 box: the same text wherever the mark is drawn."""
    shape, (ix, iy, side) = SHAPES[mark.symbol]
    parts = [f'<path class="mark-shape" d="{shape}" />']
    if mark.icon and mark.icon in icons():
        scale = side / 24
        data = " ".join(icons()[mark.icon])
        parts.append(
            f'<path class="mark-icon" d="{data}" fill="none" stroke="#ffffff" stroke-width="{_num(ICON_STROKE)}" '
            f'stroke-linecap="round" stroke-linejoin="round" transform="translate({_num(ix)} {_num(iy)}) scale({_num(scale)})" />'
        )
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def group(role_id: str, mark: Mark, x: float, y: float, size: float) -> str:
    """The mark as an SVG group at (x, y), size units wide: for the diagrams."""
    placed = f"translate({_num(x)} {_num(y)}) scale({_num(size / 24)})"
    return _group(role_id, mark, placed)


def _group(role_id: str, mark: Mark, transform: str | None) -> str:
    where = f' transform="{transform}"' if transform else ""
    return (
        f'<g class="role-mark symbol-{mark.symbol}" data-role="{_escape(role_id)}" data-symbol="{mark.symbol}" '
        f'data-colour="{mark.colour}" data-icon="{_escape(mark.icon)}" fill="{mark.colour}"{where}>{body(mark)}</g>'
    )


def inline_svg(role_id: str, mark: Mark, size: int, label: str = "") -> str:
    """The mark as a small SVG of its own, for the pages. With a label it is an
    image with that text alternative; without one, decoration beside the role's name."""
    a11y = f'role="img" aria-label="{_escape(label)}"' if label else 'aria-hidden="true"'
    return (
        f'<svg class="role-icon" viewBox="-1 -1 26 26" width="{size}" height="{size}" {a11y}>'
        f"{_group(role_id, mark, None)}</svg>"
    )


def of(path, role_id: str) -> Mark:
    """A role's mark on a path. Paths from load_site carry their marks; a path
    made in code without them (tests, benchmarks) gets them given out here."""
    mark = path.roles[role_id].mark
    if mark is None:
        mark = shared_marks([r for r in path.roles.values()])[role_id]
    return mark
