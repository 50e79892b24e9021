"""Read YAML safely, keeping where every key and value stood.

PyYAML's own loading turns `no` into False, `12:30` into 750 and
`2024-02-30` into an error deep inside a date constructor. Editors must get
back exactly what they typed, so this reader composes the node tree with no
implicit type resolution at all: every scalar is the text as written, except
an empty value (None) and the yes/no words in the few keys the schema marks
as boolean. Tags, anchors, aliases, duplicate keys and absurd nesting are
refused with a message an editor can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub
from typing import Any

import yaml
from yaml.events import AliasEvent

from .errors import Diagnostic, quote

MAX_DEPTH = 30
MAX_ITEMS = 1000  # in one list or group of keys: a path has tens of steps
TRUE_WORDS = {"true", "yes", "on", "kyllä", "joo", "ja"}
FALSE_WORDS = {"false", "no", "off", "ei", "nej"}
NULL_WORDS = {"", "~", "null"}

Pointer = tuple[str | int, ...]

# C0 and C1 controls other than tab and line breaks, which a quoted "\x01" can make.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What no web page or SVG may hold (XML 1.0 and HTML refuse them): lone
# surrogates, which a quoted "\ud83d" makes, and the non-characters U+FDD0 to
# U+FDEF and the last two of every plane ("\uFFFF").
_UNWRITABLE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass
class Document:
    """A file's data as plain Python values, and where each part stood."""

    data: Any
    where: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    key_where: dict[Pointer, tuple[int, int]] = field(default_factory=dict)

    def locate(self, pointer: Pointer, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or its key) at pointer, or of the
        nearest enclosing part that exists."""
        table = self.key_where if key else self.where
        if pointer in table:
            return table[pointer]
        while pointer:
            pointer = pointer[:-1]
            if pointer in self.where:
                return self.where[pointer]
        return (1, 1)


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str):
        self.mark = mark
        self.message = message


class _Loader(yaml.SafeLoader):
    """PyYAML's pure-Python parser composing with no implicit resolvers (plain
    scalars stay text), no anchors or aliases, and a depth limit: slower than
    _fast_read, and the source of every message."""

    yaml_implicit_resolvers: dict = {}
    _depth = 0

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.tags: list[tuple[yaml.Mark, str]] = []  # explicit tags, each told once

    def fetch_flow_collection_start(self, TokenClass):  # noqa: ANN001, N803 - PyYAML's signature
        # Refuse deep '[[[[' in the scanner, before PyYAML's simple-key
        # bookkeeping grows with every level (a 100 kB file took a minute).
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(self.get_mark(), f"the file is nested more than {MAX_DEPTH} levels deep; check the '[' and '{{' signs")
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if getattr(event, "tag", None) is not None:
            # '!!str', '!x' and the lone '!' alike: the schema reads every
            # value as the text written, so a tag never means anything here.
            self.tags.append((event.start_mark, event.tag))
        if isinstance(event, AliasEvent):
            raise _Refused(
                event.start_mark,
                f"{quote('*' + event.anchor)} refers to an anchor; anchors and aliases are not "
                "supported here: write the text out in full",
            )
        if getattr(event, "anchor", None):
            raise _Refused(
                event.start_mark,
                f"{quote('&' + event.anchor)} is a YAML anchor; anchors and aliases are not "
                "supported here: write the text out in full",
            )
        if parent is not None and len(parent.value) >= MAX_ITEMS:
            # Refused here, before PyYAML reads on: it takes about 0.2 ms an item.
            kind = "items in one list" if isinstance(parent, yaml.SequenceNode) else "keys in one group"
            raise _Refused(event.start_mark, f"more than {MAX_ITEMS} {kind}, more than any path needs; split the path")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"the file is nested more than {MAX_DEPTH} levels deep; "
                "check the indentation",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read(text: str, filename: str, boolean_keys: frozenset[str] = frozenset()) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one YAML document. Returns (document or None, diagnostics)."""
    fast = _fast_read(text, boolean_keys)
    if fast is not None:
        return fast, []
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters already here
        node = loader.get_single_node()
    except _Refused as refused:
        return None, [_at(filename, refused.mark, refused.message)]
    except yaml.reader.ReaderError as error:
        line, col = _position(text, error.position)
        return None, [
            Diagnostic(
                filename,
                line,
                col,
                f"the file contains an invisible control character (U+{error.character:04X}); "
                "delete it or retype the text around it",
            )
        ]
    except yaml.MarkedYAMLError as error:
        return None, [_translate(filename, error)]
    except RecursionError:
        return None, [Diagnostic(filename, 1, 1, "the file is nested too deeply; check the indentation")]
    except (ValueError, OverflowError):  # chr() of an escape such as "\UFFFFFFFF"
        line, col = (loader.line + 1, loader.column + 1) if loader is not None else (1, 1)
        return None, [Diagnostic(filename, line, col, "a '\\' escape in double quotes names a character that does not exist; delete it, or use single quotes")]
    except Exception as error:  # noqa: BLE001 - whatever else the parser trips on is still a line, never a traceback
        line, col = (loader.line + 1, loader.column + 1) if loader is not None else (1, 1)
        return None, [Diagnostic(filename, line, col, f"the YAML cannot be read here ({type(error).__name__})")]
    finally:
        if loader is not None:
            loader.dispose()
    doc, problems = _document(node, filename, boolean_keys)
    for mark, tag in loader.tags:
        problems.append(_at(filename, mark, f"YAML tags such as {quote(_short_tag(tag))} are not allowed; remove the tag"))
    return doc, problems


# Where libyaml and PyYAML read the same text differently: tabs, byte-order
# marks, explicit keys ("? key"), a '?' inside [...] or {...}, a comment
# straight after a block scalar's '|' or '>' ("|#"), and directives ('%YAML
# 1.1#x' is fine to libyaml only). The '?' after '[' is looked for with no
# bracket at all in between (the same files): with any other bracket allowed,
# each '[' of '[[[[...' was searched to the end of the line, in quadratic
# time (100 kB took minutes). Found by tests/test_fuzz.py and
# tests/test_yaml_readers.py. Empty values inside [...] or {...} ('{a: }')
# are placed differently, and are sent on below.
_LIBYAML_DIFFERS = re.compile(r"[\t\ufeff]|^[ -]*\?(?:\s|$)|[\[{][^\[{\]}\n]*\?|[|>][-+0-9]*#|^%", re.MULTILINE)


def _fast_read(text: str, boolean_keys: frozenset[str]) -> Document | None:
    """A clean file read from libyaml's events, straight into values and
    positions: about five times faster than composing nodes in Python.

    Returns None for anything but a plain, well-formed, single document with
    no tags, anchors, duplicate keys, odd keys, control characters or deep
    nesting: the Python parser then reads it again and says what is wrong.
    tests/test_fuzz.py checks that both readers agree on every file this accepts."""
    if not yaml.__with_libyaml__ or _LIBYAML_DIFFERS.search(text) or _CONTROL.search(text) or _UNWRITABLE.search(text):
        return None
    if _flow_depth(text) > MAX_DEPTH or _DEEP_BLOCK.search(text):
        # libyaml takes quadratic time on '[[[[...' and '- - - -...';
        # the Python parser refuses them at once.
        return None
    events: list = []
    try:
        parser = yaml.CSafeLoader(text)
        check, get, add = parser.check_event, parser.get_event, events.append
        while check():
            add(get())
    except Exception:  # noqa: BLE001 - any complaint goes to the Python parser
        return None
    if len(events) < 5 or not isinstance(events[1], yaml.DocumentStartEvent) or not isinstance(events[-2], yaml.DocumentEndEvent):
        return None
    doc = Document(None)
    where, key_where = doc.where, doc.key_where
    # Each open mapping or list: [container, its pointer, the key waiting for its value].
    stack: list[list] = []
    flow = 0  # how many [...] or {...} are open
    for event in events[2:-2]:
        kind = type(event)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            flow -= stack.pop()[3]
            continue
        if kind not in _NODE_EVENTS or event.anchor is not None or event.tag is not None:
            return None
        mark = event.start_mark
        if kind is yaml.ScalarEvent:
            if event.style == '"' and (_CONTROL.search(event.value) or _UNWRITABLE.search(event.value)):
                return None  # an escape made a character the Python parser describes
            if not event.value and not event.style and (flow or not stack):
                return None  # '{a: }', or nothing but '---': the two parsers place the empty value differently
        if stack and stack[-1][2] is None and isinstance(stack[-1][0], dict):  # a key
            parent = stack[-1]
            if kind is not yaml.ScalarEvent or event.value in parent[0]:
                return None
            parent[2] = event.value
            key_where[parent[1] + (event.value,)] = (mark.line + 1, mark.column + 1)
            continue
        if stack:
            parent = stack[-1]
            key = parent[2]
            if isinstance(parent[0], dict):
                pointer = parent[1] + (key,)
                parent[2] = None
            else:
                pointer = parent[1] + (len(parent[0]),)
                key = None
        else:
            pointer, key = (), None
        where[pointer] = (mark.line + 1, mark.column + 1)
        if kind is yaml.ScalarEvent:
            value = _plain_or_quoted(event.value, event.style, key in boolean_keys)
        else:
            if len(stack) >= MAX_DEPTH - 2:
                return None
            value = {} if kind is yaml.MappingStartEvent else []
        if not stack:
            doc.data = value
        elif len(stack[-1][0]) >= MAX_ITEMS:
            return None  # the Python reader says so
        elif isinstance(stack[-1][0], dict):
            stack[-1][0][pointer[-1]] = value
        else:
            stack[-1][0].append(value)
        if kind is not yaml.ScalarEvent:
            flow += bool(event.flow_style)
            stack.append([value, pointer, None, bool(event.flow_style)])
    return doc


# A line indented 2 * MAX_DEPTH deep, counting '- ', '? ' and ': ' as indentation:
# the only way block collections nest that deep (it may also be a text's line).
_DEEP_BLOCK = re.compile(r"^(?:[ \t]|[-?:](?=[ \t])){%d}" % (2 * MAX_DEPTH), re.MULTILINE)
_FLOW_MARKS = re.compile(r"[\[\]{}]")
_FLOW_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _flow_depth(text: str) -> int:
    """At least the deepest nesting of [...] and {...} (quotes and comments
    are not told apart, so it may say more), in linear time at C speed."""
    marks = _FLOW_MARKS.findall(text)
    if len(marks) <= MAX_DEPTH:
        return len(marks)
    depth = list(accumulate(map(_FLOW_STEP.__getitem__, marks), initial=0))
    return max(map(sub, depth, accumulate(depth, min)))


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def _document(node, filename: str, boolean_keys: frozenset[str]) -> tuple[Document, list[Diagnostic]]:
    doc = Document(None)
    problems: list[Diagnostic] = []
    if node is None:
        return doc, problems
    doc.data = _convert(node, (), doc, problems, filename, boolean_keys, key=None)
    return doc, problems


def _convert(node, pointer: Pointer, doc: Document, problems: list[Diagnostic], filename: str, boolean_keys: frozenset[str], key: str | None) -> Any:
    doc.where[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in (_STR, _MAP, _SEQ):
        # An explicit tag, told once by read(): carry on with the value as written.
        return node.value if isinstance(node, yaml.ScalarNode) else None
    if isinstance(node, yaml.ScalarNode):
        if _bad_characters(node, filename, problems):
            return _UNWRITABLE.sub("", _CONTROL.sub("", node.value))
        return _scalar(node, key in boolean_keys)
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, pointer + (i,), doc, problems, filename, boolean_keys, key=None)
            for i, item in enumerate(node.value)
        ]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            problems.append(_at(filename, key_node.start_mark, "a key must be a plain word followed by ':'"))
            continue
        name = key_node.value
        if _bad_characters(key_node, filename, problems):
            continue
        if name in result:
            first = doc.key_where[pointer + (name,)]
            problems.append(
                _at(
                    filename,
                    key_node.start_mark,
                    f"{quote(name)} appears twice in the same place (first on line {first[0]}); "
                    "keep one and delete the other",
                )
            )
            continue
        doc.key_where[pointer + (name,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        result[name] = _convert(value_node, pointer + (name,), doc, problems, filename, boolean_keys, key=name)
    return result


def _bad_characters(node: yaml.ScalarNode, filename: str, problems: list[Diagnostic]) -> bool:
    """Tell of a control character or a character no page can hold, if any."""
    bad = _CONTROL.search(node.value)
    if bad:
        problems.append(_at(filename, node.start_mark, f"the text contains an invisible control character (U+{ord(bad.group()):04X}); delete it"))
        return True
    bad = _UNWRITABLE.search(node.value)
    if bad:
        problems.append(_at(filename, node.start_mark, f"the text contains U+{ord(bad.group()):04X}, which is not a character a page can show; delete it (in double quotes, a '\\u' escape makes it)"))
        return True
    return False


def _scalar(node: yaml.ScalarNode, boolean: bool) -> Any:
    return _plain_or_quoted(node.value, node.style, boolean)


def _plain_or_quoted(value: str, style: str | None, boolean: bool) -> Any:
    if style:  # quoted or block: exactly the text (plain is None, or "" from libyaml)
        return value
    if value.strip() in NULL_WORDS:
        return None
    if boolean and value.lower() in TRUE_WORDS:
        return True
    if boolean and value.lower() in FALSE_WORDS:
        return False
    return value


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _at(filename: str, mark: yaml.Mark | None, message: str) -> Diagnostic:
    if mark is None:
        return Diagnostic(filename, 1, 1, message)
    return Diagnostic(filename, mark.line + 1, mark.column + 1, message)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


# The parser's own words, in the order they are tried, and what to tell an editor.
_TRANSLATIONS = [
    ("found character '\\t'", "a tab character: YAML is indented with spaces, not tabs; replace the tab with spaces"),
    ("expected a single document", "the file holds a second document (a line '---' or '...'); keep one path per file"),
    ("but found another document", "the file holds a second document (a line '---' or '...'); keep one path per file"),
    ("found unexpected end of stream", "a quotation mark is not closed; add the closing quote"),
    ("found unknown escape character", "a backslash '\\' in double quotes starts an unknown escape; use single quotes or write '\\\\'"),
    ("mapping values are not allowed here", "a ':' inside a value; put the whole value in quotes, or start a new line for the next key"),
    ("could not find expected ':'", "a line is missing its ':' (write 'key: value'), or a quoted value goes on past its line"),
    ("found character '@' that cannot start any token", "a value cannot start with '@'; put it in quotes"),
    ("found character '`' that cannot start any token", "a value cannot start with '`'; put it in quotes"),
    ("found character '%' that cannot start any token", "a value cannot start with '%'; put it in quotes"),
    ("found undefined alias", "'*' starts an alias; put a value that starts with '*' in quotes"),
    ("expected alphabetic or numeric character", "a value that starts with '&', '*' or '!' must be in quotes"),
    ("did not find expected key", "the indentation does not match the lines above; line up keys at the same level"),
    ("did not find expected '-' indicator", "the indentation of this list does not match the items above; line up the '-' signs"),
    ("expected <block end>", "the indentation does not match the lines above; line up keys at the same level"),
    ("did not find expected node content", "a value is missing or starts with a character that needs quotes"),
    ("while parsing a flow", "a '[' or '{' is not closed, or a value inside it needs quotes"),
    ("while scanning a block scalar", "the text after '|' or '>' must start on the next line, indented"),
    ("while scanning a simple key", "a line is missing its ':' (write 'key: value')"),
    ("while scanning a plain scalar", "a value contains a character that needs quotes; put the whole value in quotes"),
]


def _translate(filename: str, error: yaml.MarkedYAMLError) -> Diagnostic:
    words = f"{error.context or ''} {error.problem or ''}"
    mark = error.problem_mark or error.context_mark
    if "quoted scalar" in (error.context or "") and error.context_mark is not None:
        mark = error.context_mark  # point at the opening quote, not the end of the file
    if "simple key" in (error.context or "") and error.context_mark is not None:
        mark = error.context_mark  # the line that lacks its ':', not where that was noticed
    for needle, message in _TRANSLATIONS:
        if needle in words:
            return _at(filename, mark, message)
    return _at(filename, mark, f"the YAML cannot be read here ({(error.problem or error.context or 'unknown problem').strip()})")
