"""Interface strings: one JSON catalogue per language (fi, sv, en).

A string that counts something has a key per plural category of Babel's
(CLDR) plural rules for the language, "key.one" and "key.other":
t("diagram_desc", count=1) picks "1 vaihe", count=2 "2 vaihetta"."""

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


@cache
def _plural_rule(language: str):
    from babel import Locale

    return Locale.parse(language).plural_form


def plural_category(language: str, count: int) -> str:
    """Babel's (CLDR's) plural category of count in language: "one", "other"..."""
    return _plural_rule(language)(count)


def translator(language: str):
    """t(key, **values): the string for key in language, formatted; for a
    plural key, the form that values["count"] calls for."""
    strings = catalogue(language)

    def t(key: str, **values: object) -> str:
        text = strings.get(key)
        if text is None and "count" in values:
            text = strings[f"{key}.{plural_category(language, values['count'])}"]
        elif text is None:
            raise KeyError(key)
        return text.format(**values) if values else text

    return t
