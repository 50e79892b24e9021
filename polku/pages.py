"""What each page template is rendered with: one frozen dataclass per template.

The fields are the template's context, exactly: tests/test_pages.py checks
that every field is read by the template (or what it extends and includes)
and that the template reads nothing else, so a new key cannot go unused and a
template cannot start reading a value nobody hands it. site.py fills them in.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Callable, ClassVar, Iterable

import jinja2
from jinja2 import meta, nodes
from markupsafe import Markup

from .model import ServicePath, Site, Step


@dataclass(frozen=True)
class Page:
    """What base.html reads: every page has it."""

    template: ClassVar[str] = "base.html"

    site: Site
    T: dict[str, str]  # the page language's strings
    edition: Any  # site.Edition
    lang: str
    up: str  # from the page up to the site root
    versions: list[tuple[str, str]]  # (language, href) of this page in each language
    page_title: str
    canonical: str  # the page's address under _site.yaml's base_url, or ""

    def context(self) -> dict[str, Any]:
        """The fields as the template's variables (shallow: no copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class IndexPage(Page):
    template: ClassVar[str] = "index.html"

    search_algorithm: str  # search.STEMMERS: the Snowball stemmer the page's search uses


@dataclass(frozen=True)
class RolesPage(Page):
    template: ClassVar[str] = "roles.html"

    t: Callable[..., str]  # the page language's translator
    roles: Iterable[dict]  # site.role_card()s, one at a time as the page is written


@dataclass(frozen=True)
class PilotsPage(Page):
    template: ClassVar[str] = "pilots.html"

    t: Callable[..., str]
    pilots: list[tuple[ServicePath, Step]]


@dataclass(frozen=True)
class AccessibilityPage(Page):
    template: ClassVar[str] = "accessibility.html"

    t: Callable[..., str]


@dataclass(frozen=True)
class _OnePath(Page):
    """What the path page and the handout both read."""

    t: Callable[..., str]
    path: ServicePath
    path_titles: dict[str, str]  # id -> title of the paths this one continues in
    # Lookups the templates make per step, as dictionaries rather than calls.
    steps: dict[str, Step]
    marks: dict[str, Markup]  # role id -> its mark, inline SVG


@dataclass(frozen=True)
class PathPage(_OnePath):
    template: ClassVar[str] = "path.html"

    svg: Markup  # the diagram, inline
    audience: str  # "client" or "professional"
    anchors: dict[str, str]  # role id -> its anchor on the roles page
    path_href: Callable[[str], str]  # a path id -> its page, from here
    pdf: bool  # the handout is also a PDF beside the page
    who: list[dict]  # site.role_card()s of the roles acting on the path


@dataclass(frozen=True)
class HandoutPage(_OnePath):
    template: ClassVar[str] = "print.html"

    build_date: str  # for the PDF's metadata; "" unless SOURCE_DATE_EPOCH
    sheet: list[dict]  # site.role_card()s with the steps' numbers
    picture: list[dict]  # polku/paper.py's page parts of the picture, each with its svg
    paper: str  # a4 or a3: the picture pages' paper


PAGES: tuple[type[Page], ...] = (IndexPage, RolesPage, PilotsPage, AccessibilityPage, PathPage, HandoutPage)


# ---------------------------------------------------------------- what pages read


def template_names(env: jinja2.Environment, name: str) -> tuple[str, ...]:
    """The template and every template it extends, includes or imports, in that order."""
    seen = [name]
    for current in seen:
        for ref in meta.find_referenced_templates(_parsed(env, current)):
            if ref and ref not in seen:
                seen.append(ref)
    return tuple(seen)


def template_variables(env: jinja2.Environment, name: str) -> frozenset[str]:
    """The variables a template (with what it uses) takes from its context:
    neither the environment's globals nor what the templates set themselves."""
    found: set[str] = set()
    own: set[str] = set()
    for each in template_names(env, name):
        tree = _parsed(env, each)
        found |= meta.find_undeclared_variables(tree)
        own |= {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        own |= {n.name for n in tree.find_all(nodes.Macro)}
        own |= {alias if isinstance(alias, str) else alias[-1] for n in tree.find_all(nodes.FromImport) for alias in n.names}
    return frozenset(found - own - set(env.globals))


def template_attributes(env: jinja2.Environment, name: str) -> frozenset[str]:
    """Every attribute or method name a template (with what it uses) reads: x.name, x['name']."""
    found: set[str] = set()
    for each in template_names(env, name):
        tree = _parsed(env, each)
        found |= {n.attr for n in tree.find_all(nodes.Getattr)}
        found |= {n.arg.value for n in tree.find_all(nodes.Getitem) if isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str)}
    return frozenset(found)


def code_attributes(functions: Iterable[Callable], modules: Iterable[types.ModuleType] = ()) -> frozenset[str]:
    """Every attribute name the functions read, with the functions of their own
    module they call (and so on), and every one read anywhere in the modules."""
    found: set[str] = set()
    trees = [ast.parse(inspect.getsource(module)) for module in modules]
    todo, seen = list(functions), set()
    while todo:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        trees.append(tree)
        home = sys.modules[function.__module__]
        for node in ast.walk(tree):
            called = getattr(home, node.id, None) if isinstance(node, ast.Name) else None
            if inspect.isfunction(called) and called.__module__ == function.__module__:
                todo.append(called)
    for tree in trees:
        found |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    return frozenset(found)


def fields_read(names: Iterable[str], cls: type) -> tuple[str, ...]:
    """The dataclass fields of cls that reading names can reach: the fields
    named, and those read by the properties and methods named (and theirs)."""
    names = set(names)
    grown = True
    while grown:
        grown = False
        for name in list(names):
            member = inspect.getattr_static(cls, name, None)
            function = getattr(member, "fget", None) or getattr(member, "func", None) or member
            if inspect.isfunction(function):
                reads = code_attributes([function])
                if not reads <= names:
                    names |= reads
                    grown = True
    return tuple(f.name for f in fields(cls) if f.name in names)


@lru_cache(maxsize=64)
def _parsed(env: jinja2.Environment, name: str) -> nodes.Template:
    source, filename, _ = env.loader.get_source(env, name)
    return env.parse(source, name, filename)  # a syntax error names the template's file
