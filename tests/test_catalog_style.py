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
