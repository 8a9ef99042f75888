"""One way to tell that two spellings name the same organization, and to make a key from a name.

Shared by every source of council data that names organizations in free text (the OParl sync,
the Vorlage document reader): "SPD-Fraktion", "Fraktion der SPD", "SPD Fraktion" and "spd-fraktion"
are one faction; "Jugendhilfe-\nausschuss" (a hyphenated line break) and "Jugendhilfeausschuss"
are one committee.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TypeVar

# "Fraktion der SPD", "SPD-Fraktion", "SPD Fraktion", "Kreistagsfraktion X"; "die" stays, it is
# part of "DIE LINKE".
_FACTION_WORDS = re.compile(
    r"\b(?:kreistags|gemeinderats|stadtrats|rats)?fraktion(?:\s+(?:der|des))?\b"
)
_SOFT_HYPHEN = "\u00ad"
_HYPHENATED_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_NOT_WORD = re.compile(r"[^\w]+")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

T = TypeVar("T")


def normalize_organization_name(name: str) -> str:
    """A comparison form: lower case, umlauts spelled out, no punctuation, "Fraktion" dropped."""
    text = unicodedata.normalize("NFC", name).replace(_SOFT_HYPHEN, "")
    text = _HYPHENATED_BREAK.sub(r"\1\2", text).casefold()
    text = _FACTION_WORDS.sub(" ", text)
    text = text.translate(_TRANSLITERATION)
    return " ".join(part for part in _NOT_WORD.split(text) if part)


def same_organization(left: str, right: str) -> bool:
    return normalize_organization_name(left) == normalize_organization_name(right)


def match_organization(
    name: str, candidates: Mapping[str, T] | Iterable[tuple[str, T]]
) -> T | None:
    """The candidate whose name is the same organization as `name`, or None.

    `candidates` maps names to anything (an Organization, a key); an ambiguous match (two
    different candidates with the same comparison form) is no match: never guess.
    """
    pairs = candidates.items() if isinstance(candidates, Mapping) else candidates
    wanted = normalize_organization_name(name)
    if not wanted:
        return None
    found: list[T] = []
    for candidate_name, value in pairs:
        if normalize_organization_name(candidate_name) == wanted and value not in found:
            found.append(value)
    return found[0] if len(found) == 1 else None


def organization_key(name: str, taken: Iterable[str] = ()) -> str:
    """A readable, stable key (a slug) for a new organization, unique among `taken`.

    "SPD-Fraktion" → "spd-fraktion", "Ausschuss für Technik und Umwelt" →
    "ausschuss-fuer-technik-und-umwelt"; a clash gets "-2", "-3", …
    """
    text = unicodedata.normalize("NFC", name).casefold().translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = "-".join(part for part in _NOT_WORD.split(text) if part).strip("-_")[:80] or "gremium"
    taken_set = set(taken)
    candidate, counter = slug, 2
    while candidate in taken_set:
        candidate, counter = f"{slug}-{counter}", counter + 1
    return candidate
