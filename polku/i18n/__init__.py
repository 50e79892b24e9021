"""Interface strings: one JSON catalogue per language (fi, sv, en)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def catalogue(language: str) -> dict[str, str]:
    return json.loads(resources.files("polku.i18n").joinpath(f"{language}.json").read_text(encoding="utf-8"))


def translator(language: str):
    """t(key, **values): the string for key in language, formatted."""
    strings = catalogue(language)

    def t(key: str, **values: object) -> str:
        text = strings[key]
        return text.format(**values) if values else text

    return t
