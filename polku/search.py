"""The index page's search data: every path, step, pilot, note and role of an
edition as stemmed words, in a script file the page loads when the search box
is first used (a script, not a fetch, so that it works from file://).

Words are stemmed with Snowball (the `snowballstemmer` package) so that an
inflected form finds the base form and the other way round; the page stems
what is typed with the same Snowball algorithms (templates/assets/snowball.js).

The data, `window.polkuSearch = {...}`:

- `paths`: [id, title] of each path of the edition.
- `docs`: one row per thing found: [kind, title, path, anchor, number, pilot]:
  kind 0 a path, 1 a step, 2 a role; path the path's place in `paths` (-1 for a
  shared role); anchor the step's id or the role's anchor; number the step's
  number; pilot 1 for a step that is a pilot. The page makes the links:
  `<id>/index.html#step-<step id>`, `roles/index.html#<role anchor>`.
- `terms`: stem -> postings, a string of (doc id delta in base 36, one field
  letter) pairs: the letter says in which fields of the doc the stem occurs
  (FIELDS: a bit each, 'A' + mask). Stems sorted, doc ids ascending.
- `common`: stems in more than half of the docs (and, och, the): not indexed,
  and the page leaves them out of a query instead of finding nothing.
- `plural`: the language's plural rule from Babel, as JavaScript, for "1 hit / 2 hits".
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer
from babel import Locale
from babel.plural import to_javascript

from .model import ServicePath, Site

STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
# Fields, a bit each, with the weight a hit in it gets on the page (search.js has the same order).
FIELDS = ("title", "name", "pilot", "note", "text")
TITLE, NAME, PILOT, NOTE, TEXT = (1 << i for i in range(len(FIELDS)))
WORD = re.compile(r"[^\W_]+")
LINK_TARGET = re.compile(r"\]\([^)]*\)|<?https?://\S+|mailto:\S+|tel:\S+")
COMMON_SHARE = 0.5
COMMON_MIN_DOCS = 40  # a small site keeps every word


def tokens(text: str) -> list[str]:
    """The words of a text, lower-cased, as the page splits them (letters and digits)."""
    if "](" in text or ":" in text:
        text = LINK_TARGET.sub("] ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return WORD.findall(text.lower())


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS[language])


_stems: dict[str, dict[str, str]] = {language: {} for language in STEMMERS}


def stem(word: str, language: str) -> str:
    """A word's Snowball stem; words with digits are kept as they are (as the page does)."""
    known = _stems[language].get(word)
    if known is None:
        known = word if any(c.isnumeric() for c in word) else _stemmer(language).stemWord(word)
        if len(_stems[language]) < 500_000:
            _stems[language][word] = known
    return known


def _doc_terms(fields: list[tuple[int, str]], language: str) -> dict[str, int]:
    out: dict[str, int] = {}
    known = _stems[language]
    for bit, text in fields:
        if not text:
            continue
        for word in tokens(text):
            key = known.get(word)
            if key is None:
                key = stem(word, language)
            out[key] = out.get(key, 0) | bit
    return out


# A doc before it is numbered: (kind, title, anchor, step number, pilot 0/1), and its stems.
KIND = {"path": 0, "step": 1, "role": 2}


def _path_docs(path: ServicePath, role_anchor) -> list[tuple[tuple, dict[str, int]]]:
    """The docs of one path: the path itself, each step, and its own roles."""
    language = path.language
    docs = [((KIND["path"], path.title, "", 0, 0),
             _doc_terms([(TITLE, path.title), (NAME, path.subtitle), (TEXT, path.summary), (TEXT, path.organisation),
                         (TEXT, path.persona_name), (TEXT, path.persona_text)], language))]
    for step in path.steps:
        fields = [(TITLE, step.title), (NAME, path.phase_title(step.phase)), (TEXT, step.text), (TEXT, step.duration), (NOTE, step.note)]
        fields += [(TEXT, when) for when in step.when if when]
        fields += [(NAME, path.roles[rid].name) for rid in step.roles]
        if step.pilot:
            fields.append((PILOT, step.pilot.text))
        docs.append(((KIND["step"], step.title, step.id, step.number, int(bool(step.pilot))), _doc_terms(fields, language)))
    for role in path.roles.values():
        if not role.shared:
            docs.append(((KIND["role"], role.name, role_anchor(path, role.id), 0, 0), _doc_terms([(TITLE, role.name), (TEXT, role.text)], language)))
    return docs


_cache: dict[tuple[str, str], tuple[ServicePath, list]] = {}


def _cached_path_docs(path: ServicePath, role_anchor, keep: bool = True) -> list:
    """serve's loader gives an unchanged file the same ServicePath object: its docs are reused.
    A build reads each path once and keeps nothing (keep=False): the terms of
    10,000 paths would hold over a hundred megabytes to no use."""
    if not keep:
        return _path_docs(path, role_anchor)
    key = (path.id, path.language)
    hit = _cache.get(key)
    if hit is not None and hit[0] is path:
        return hit[1]
    docs = _path_docs(path, role_anchor)
    _cache[key] = (path, docs)
    return docs


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_SMALL = [a + b for a in ("",) + tuple(_DIGITS[1:]) for b in _DIGITS]  # 0 .. 36*36-1 in base 36


def _base36(n: int) -> str:
    if n < len(_SMALL):
        return _SMALL[n]
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
    return out


class _Postings:
    """One term's postings, encoded as they come: (doc number delta in base 36,
    field letter) pairs in ASCII, about three bytes a hit where two machine
    ints took sixteen, and how many hits there are."""

    __slots__ = ("text", "last", "count")

    def __init__(self) -> None:
        self.text = bytearray()
        self.last = 0
        self.count = 0


_SMALL_ASCII = [s.encode("ascii") for s in _SMALL]
_LETTERS = [bytes((65 + mask,)) for mask in range(1 << len(FIELDS))]


def search_data(site: Site, paths: tuple[ServicePath, ...], language: str, role_anchor, keep_docs: bool = True) -> dict:
    """The search data of one edition (its paths, in one language).

    `paths` lists [id, title] per path; a doc is [kind (0 path, 1 step, 2 role),
    title, path number (-1: a shared role), anchor (step id or role anchor),
    step number, pilot 0/1]; the page makes the links from these."""
    rows: list[list] = []
    postings: dict[str, _Postings] = {}

    def add(row: list, terms: dict[str, int]) -> None:
        number = len(rows)
        rows.append(row)
        for term, mask in terms.items():
            found = postings.get(term)
            if found is None:
                found = postings[term] = _Postings()
            delta = number - found.last
            found.text += _SMALL_ASCII[delta] if delta < len(_SMALL_ASCII) else _base36(delta).encode("ascii")
            found.text += _LETTERS[mask]
            found.last = number
            found.count += 1

    for role in site.shared_roles.get(language, {}).values():
        add([KIND["role"], role.name, -1, f"role-{role.id}", 0, 0], _doc_terms([(TITLE, role.name), (TEXT, role.text)], language))
    for index, path in enumerate(paths):
        for (kind, title, anchor, number, pilot), terms in _cached_path_docs(path, role_anchor, keep_docs):
            add([kind, title, index, anchor, number, pilot], terms)
    limit = max(COMMON_MIN_DOCS, int(len(rows) * COMMON_SHARE))
    common = sorted(term for term, found in postings.items() if found.count > limit)
    encoded = {}
    for term in sorted(postings):
        found = postings.pop(term)  # each term's bytes freed as soon as they are a string
        if found.count <= limit:
            encoded[term] = found.text.decode("ascii")
    return {"paths": [[path.id, path.title] for path in paths], "docs": rows, "terms": encoded, "common": common}


def search_script(site: Site, paths: tuple[ServicePath, ...], language: str, role_anchor, keep_docs: bool = True) -> Iterator[str]:
    """The edition's search data as a script that sets window.polkuSearch, in
    pieces as it is written: on 10,000 paths the data is some 10 MB, and whole
    it was held several times over while it was made safe and encoded."""
    data = search_data(site, paths, language, role_anchor, keep_docs)
    data["count"] = count_forms(language)
    plural = to_javascript(Locale.parse(language).plural_form)
    yield f"// polku search data ({language}): written by the build, see polku/search.py\nwindow.polkuSearch="
    yield from (_script_safe(piece) for piece in _json_pieces(data))
    yield f";\nwindow.polkuSearch.plural={plural};\n"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _json_pieces(data: dict, size: int = 2000) -> Iterator[str]:
    """json.dumps(data) (compact, keys sorted) in pieces: a long list or mapping
    at the top level goes out `size` items at a time."""
    yield "{"
    for n, key in enumerate(sorted(data)):
        value = data[key]
        yield ("," if n else "") + _json(key) + ":"
        if isinstance(value, list) and len(value) > size:
            yield "["
            for start in range(0, len(value), size):
                yield ("," if start else "") + _json(value[start:start + size])[1:-1]
            yield "]"
        elif isinstance(value, dict) and len(value) > size:
            keys = sorted(value)
            yield "{"
            for start in range(0, len(keys), size):
                yield ("," if start else "") + _json({k: value[k] for k in keys[start:start + size]})[1:-1]
            yield "}"
        else:
            yield _json(value)
    yield "}"


def _script_safe(text: str) -> str:
    """JSON inside a <script>: no line separators JavaScript would take for line ends, no '</'.
    Each piece holds whole JSON strings, so no such sequence is split between pieces."""
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("</", "<\\/")


def count_forms(language: str) -> dict[str, str]:
    """The hit count's plural forms ("{count} osuma", "{count} osumaa"), by category."""
    from .i18n import catalogue

    return {key.split(".", 1)[1]: text for key, text in catalogue(language).items() if key.startswith("search_count.")}
