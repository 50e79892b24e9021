"""Hyphenation for the picture and the pages: Finnish by its own rule,
Swedish and English from pyphen's dictionaries, hyphens of a word respected."""

from hypothesis import given, strategies as st

from polku.measure import bundled, hyphenate, wrap


def pieces(word: str, language: str) -> list[str]:
    out, prev = [], 0
    for p in hyphenate(word, language):
        out.append(word[prev:p])
        prev = p
    return out + [word[prev:]]


def test_finnish_syllables():
    assert pieces("kuntouttava", "fi") == ["kun", "tout", "ta", "va"]
    assert pieces("työllistäminen", "fi") == ["työl", "lis", "tä", "mi", "nen"]


def test_a_hyphen_in_the_word_restarts_the_rule():
    assert pieces("A-klinikkasäätiö", "fi") == ["A-", "kli", "nik", "ka", "sää", "tiö"]
    assert "A-k" not in "|".join(pieces("A-klinikkasäätiö", "fi"))
    assert pieces("A-kassa", "sv")[0] == "A-"
    assert pieces("well-being", "en")[0] == "well-"


def test_swedish_and_english_come_from_dictionaries():
    assert pieces("arbetsförmedlingen", "sv") == ["ar", "bets", "för", "med", "ling", "en"]
    assert pieces("rehabilitation", "en") == ["re", "ha", "bil", "i", "ta", "tion"]
    # The Finnish rule would break English differently: the dictionary is really used.
    assert hyphenate("coordinator", "en") != hyphenate("coordinator", "fi")


def test_wrap_uses_the_language():
    lines = wrap("Arbetsförmedlingsverksamheten", 120, 17, bundled(), True, "sv")
    assert len(lines) > 1 and all(line.endswith("-") for line in lines[:-1])
    assert "".join(line[:-1] for line in lines[:-1]) + lines[-1] == "Arbetsförmedlingsverksamheten"
    lines = wrap("A-klinikkasäätiön toimipaikka", 40, 17, bundled(), True, "fi")
    assert lines[0] == "A-"


@given(st.text(alphabet="aeiouyäökltsnmprhv-AK", min_size=0, max_size=30), st.sampled_from(["fi", "sv", "en"]))
def test_breaks_are_inside_the_word_sorted_and_never_split_a_hyphen_off(word, language):
    breaks = hyphenate(word, language)
    assert breaks == sorted(set(breaks))
    assert all(0 < b < len(word) for b in breaks)
    assert all(word[b] != "-" for b in breaks)  # never a line that starts with the word's own hyphen
