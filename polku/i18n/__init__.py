"""Interface strings: one JSON catalogue per language (fi, sv, en)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from types import SimpleNamespace


@cache
def catalogue(language: str) -> dict[str, str]:
    return json.loads(resources.files("polku.i18n").joinpath(f"{language}.json").read_text(encoding="utf-8"))


@cache
def strings(language: str) -> SimpleNamespace:
    """The catalogue as attributes, for templates: {{ T.walk_start }} is a
    lookup where {{ t("walk_start") }} is a call, and a page has hundreds."""
    return SimpleNamespace(**catalogue(language))


def translator(language: str):
    """t(key, **values): the string for key in language, formatted."""
    strings = catalogue(language)

    def t(key: str, **values: object) -> str:
        text = strings[key]
        return text.format(**values) if values else text

    return t
