"""The catalogs speak one language: one gender-inclusive style (the pair form without special
characters, or a neutral form — CONTRIBUTING.md), and English without German fragments."""

from __future__ import annotations

import re

from bot.i18n import LANGUAGES, catalog

# Other gender styles than the chosen pair form: colon, slash, asterisk, capital I.
OTHER_STYLES = re.compile(r"\w:in(nen)?\b|/in(nen)?\b|\*in(nen)?\b|\w_in(nen)?\b|[a-zäöü]Innen\b")
# Truncated pair forms ("Sprecherinnen und -sprecher") are written out in full.
TRUNCATED_PAIR = re.compile(r"innen (und|oder) -")


def test_no_other_gender_styles_in_any_catalog() -> None:
    for language in LANGUAGES:
        for key, text in catalog(language).items():
            assert not OTHER_STYLES.search(text), f"{language}: {key}: {text!r}"
            assert not TRUNCATED_PAIR.search(text), f"{language}: {key}: {text!r}"


def test_both_languages_have_the_same_keys() -> None:
    assert set(catalog("de")) == set(catalog("en"))


GERMAN_IN_ENGLISH = re.compile(
    r"\b(Entscheidung|Vorberatung|Sitzung|Termin|Tagesordnung|Vorlage|Drucksache|öffentlich|"
    r"Mitglieder|Verwaltung|Uhr|Beschlussvorlage|Informationsvorlage)\b"
)
# German an English reader meets on purpose: the commands, and the name of the language.
ALLOWED_IN_ENGLISH = re.compile(r"/\w+|Deutsch")
# In English a meeting is a "meeting" and a Vorlage a "proposal" (not a "date" or a "paper").
OTHER_TERMS = re.compile(
    r"\b(paper|papers|Paper)\b|\b[Dd]ates? (changed|moved|cancelled)\b"
    r"|\b(created|moved|cancelled|changed) the dates?\b"
    r"|\b(?i:upcoming|all|publish) dates\b|\bwhich date\?"
)


def test_english_has_no_german_fragments_and_one_term_per_concept() -> None:
    for key, text in catalog("en").items():
        stripped = ALLOWED_IN_ENGLISH.sub("", text)
        assert not GERMAN_IN_ENGLISH.search(stripped), f"en: {key}: {text!r}"
        assert not OTHER_TERMS.search(re.sub(r"\{\w+\}", "", text)), f"en: {key}: {text!r}"
