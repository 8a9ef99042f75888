"""Texts about members shared by the member list, the invitation dialogue and /meine_daten."""

from __future__ import annotations

from typing import Protocol

from bot.i18n import Html, escape, t
from storage.models import Person


class SameName(Protocol):
    """A name check's result (bot.services.invites.NameCheck): members of the same name."""

    @property
    def same(self) -> list[tuple[Person, str | None]]: ...


def named_with_home(language: str, person: Person, home: str | None) -> Html:
    """'Anna Beispiel (SPD-Fraktion)': what tells two members of the same name apart."""
    suffix = t(language, "members.home", name=home) if home else ""
    return Html(f"{escape(person.name)}{suffix}")


def same_name_warning(language: str, check: SameName) -> Html:
    """'Achtung: Anna Beispiel (SPD-Fraktion) ist schon Mitglied. Trotzdem …?'"""
    names = ", ".join(named_with_home(language, person, home) for person, home in check.same)
    return t(language, "invites.same_name", names=Html(names))


def home_line(language: str, *, faction: str | None, department: str | None) -> str:
    """'Fraktion: SPD-Fraktion', 'Verwaltungsbereich: Dezernat …' or 'Fraktion / Verwaltung: –'
    from the names of a member's faction and department: a department is no faction."""
    if department is not None:
        return t(language, "invites.home.department", name=department)
    if faction is not None:
        return t(language, "invites.home.faction", name=faction)
    return t(language, "invites.home.none", none=t(language, "invites.none"))


def person_home_line(language: str, person: Person) -> str:
    """`home_line` of a stored member."""
    return home_line(
        language,
        faction=person.faction.name if person.faction else None,
        department=person.department.name if person.department else None,
    )
