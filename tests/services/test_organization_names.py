"""The shared organization-name matcher and key maker (bot/services/organization_names.py)."""

from __future__ import annotations

import pytest

from bot.services.organization_names import (
    match_organization,
    normalize_organization_name,
    organization_key,
    same_organization,
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("SPD-Fraktion", "Fraktion der SPD"),
        ("SPD-Fraktion", "SPD Fraktion"),
        ("Fraktion DIE LINKE", "Die Linke-Fraktion"),
        ("Jugendhilfe-\nausschuss", "Jugendhilfeausschuss"),
        ("Jugend\u00adhilfeausschuss", "jugendhilfeausschuss"),
        ("Ausschuss für  Technik und Umwelt", "Ausschuss fuer Technik und Umwelt"),
        ("Kreistag", "KREISTAG"),
    ],
)
def test_spellings_of_one_organization_match(left: str, right: str) -> None:
    assert same_organization(left, right)


def test_different_organizations_do_not_match() -> None:
    assert not same_organization("Sozialausschuss", "Kreistag")
    assert not same_organization("SPD-Fraktion", "CDU-Fraktion")
    assert normalize_organization_name("Fraktion") == ""


def test_match_picks_the_one_candidate_and_refuses_ambiguity() -> None:
    candidates = {"Sozialausschuss": 1, "Kreistag": 2, "SPD-Fraktion": 3}
    assert match_organization("Fraktion der SPD", candidates) == 3
    assert match_organization("Technikausschuss", candidates) is None
    ambiguous = [("SPD Fraktion", 3), ("SPD-Fraktion", 4)]
    assert match_organization("SPD", ambiguous) is None
    assert match_organization("", candidates) is None


def test_keys_are_readable_slugs_and_unique() -> None:
    assert organization_key("SPD-Fraktion") == "spd-fraktion"
    assert (
        organization_key("Ausschuss für Technik und Umwelt") == "ausschuss-fuer-technik-und-umwelt"
    )
    assert organization_key("Kreistag", taken={"kreistag", "kreistag-2"}) == "kreistag-3"
    assert organization_key("!!!") == "gremium"
