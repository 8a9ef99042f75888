"""The field rules one by one, on small hand-written texts."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.reader.borderless import rebuild_tables
from bot.services.reader.dates import parse_date
from bot.services.reader.fields import (
    read_agenda_item,
    read_attachments,
    read_consultations,
    read_date,
    read_history,
    read_originator,
    read_paper_type,
    read_proposal_points,
    read_reference,
    read_summary,
    read_title,
)
from bot.services.reader.lines import Line, clean_pages
from bot.services.reader.sections import Structure, split_sections


def doc(*lines: str | tuple[str, ...]) -> Structure:
    built = [Line.row(list(line)) if isinstance(line, tuple) else Line(line) for line in lines]
    return split_sections(rebuild_tables(built))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.03.2022", date(2022, 3, 14)),
        ("3.3.2022", date(2022, 3, 3)),
        ("3. März 2022", date(2022, 3, 3)),
        ("7. februar 2022", date(2022, 2, 7)),
        ("30.02.2022", None),
        ("2022-03-14", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_reference_from_the_header_table_not_from_the_prose() -> None:
    structure = doc(
        ("Organisationseinheit", "Datum", "Drucksachen-Nr."),
        ("Amt", "14.03.2022", "2022/037"),
        "Sachverhalt",
        "Siehe Drucksachen-Nr. 2021/001.",
    )
    assert read_reference(structure) == "2022/037"
    assert read_reference(doc("Sachverhalt", "Drucksachen-Nr. 2021/001")) is None


def test_reference_from_a_ris_line_and_from_a_registry_stamp() -> None:
    assert read_reference(doc("Vorlage - 2026/204")) == "2026/204"
    assert read_reference(doc("Eingang 05.03.2026 Drucksachen-Nr. 2026/112/2")) == "2026/112/2"


def test_date_labelled_or_as_the_letter_date_line_never_a_stamp() -> None:
    assert read_date(doc("Datum: 21.10.2026")) == date(2026, 10, 21)
    assert read_date(doc("Konstanz, den 3. März 2026")) == date(2026, 3, 3)
    assert read_date(doc("Eingang: 05.03.2026")) is None


def test_paper_type() -> None:
    assert read_paper_type(doc("Vorlage-Art: Informationsvorlage")) == "Informationsvorlage"
    assert read_paper_type(doc("Beschlussvorlage")) == "Beschlussvorlage"
    assert read_paper_type(doc("Antrag: Mehr Busse")) == "Antrag"
    assert read_paper_type(doc("Antragsteller sind wir")) is None


def test_originator_department_or_letterhead_faction() -> None:
    assert read_originator(doc("Federführend: Amt für Soziales")) == "Amt für Soziales"
    assert read_originator(doc("SPD-Fraktion im Kreistag Konstanz")) == "SPD-Fraktion"
    assert read_originator(doc("Fraktion der Freien Wähler")) == "Fraktion der Freien Wähler"
    assert read_originator(doc("Landratsamt")) is None


def test_title_labelled_or_the_block_before_the_first_section() -> None:
    assert read_title(doc("Betreff: Radwege")) == "Radwege"
    structure = doc("Tagesordnungspunkt 3", "Erste Zeile;", "zweite Zeile", "Beschlussvorschlag")
    assert read_title(structure) == "Erste Zeile; zweite Zeile"
    assert read_title(doc("Sehr geehrte Damen und Herren,", "Sachverhalt")) is None


def test_consultations_from_a_table_and_from_lines() -> None:
    table = doc(
        ("Beratungsfolge", "Sitzungsart", "Sitzungstermin/e"),
        ("Kreistag", "nichtöffentlich", "02.05.2022"),
    )
    (step,) = read_consultations(table)
    assert (step.organization, step.date, step.public, step.role) == (
        "Kreistag",
        date(2022, 5, 2),
        False,
        None,
    )
    lines = doc(
        "Status: öffentlich",
        "Beratungsfolge:",
        "Datum Gremium Zuständigkeit",
        "24.11.2026 Kreistag Entscheidung",
    )
    (step,) = read_consultations(lines)
    assert step.public is True and step.role == "Entscheidung" and step.authoritative


def test_agenda_item() -> None:
    assert read_agenda_item(doc("Tagesordnungspunkt 3")) == "3"
    assert read_agenda_item(doc("TOP 4.1")) == "4.1"
    assert read_agenda_item(doc("Sachverhalt", "TOP 9")) is None


def test_proposal_points_join_wrapped_lines_and_read_an_antrag() -> None:
    structure = doc(
        "Der Kreistag möge beschließen:",
        "1. Erstens",
        "weiter.",
        "2. Zweitens.",
        "Begründung",
        "1. Kein Punkt",
    )
    assert read_proposal_points(structure) == ["Erstens weiter.", "Zweitens."]
    assert read_proposal_points(doc("Beschlussvorschlag", "Dem wird zugestimmt.")) == [
        "Dem wird zugestimmt."
    ]


def test_history_stops_at_the_prose() -> None:
    structure = doc(
        "Historie und Sachverhalt",
        "26.04.2021, Sozialausschuss, Drucksache 2021/081",
        "Am 17.05.2021, Kreistag, Drucksache 2021/090 war es anders.",
    )
    (entry,) = read_history(structure)
    assert (entry.date, entry.organization, entry.reference) == (
        date(2021, 4, 26),
        "Sozialausschuss",
        "2021/081",
    )


def test_summary_skips_numbered_headings_and_stops_after_about_300_characters() -> None:
    long = "Das ist ein ziemlich langer Satz über die Lage im Landkreis und ihre Folgen. " * 5
    structure = doc("Sachverhalt", "1. Ausgangslage", long.strip())
    summary = read_summary(structure)
    assert summary is not None and summary.startswith("Das ist")
    assert 300 <= len(summary) < 400 and summary.endswith(".")


def test_attachments_none_keine_and_a_list() -> None:
    assert read_attachments(doc("Titel")) is None
    assert read_attachments(doc("Anlagen: Keine")) == []
    assert read_attachments(doc("Anlagen:", "Anlage 1 Plan", "2. Karte")) == ["Plan", "Karte"]


def test_page_furniture_and_broken_words() -> None:
    pages = [
        [Line("Landratsamt"), Line("Erster Teil der Ge-"), Line("Seite 1 von 2")],
        [Line("Landratsamt"), Line("meinschaft und Kinder-"), Line("und Jugendhilfe")],
    ]
    assert [line.text for line in clean_pages(pages)] == [
        "Erster Teil der Gemeinschaft und Kinder-",
        "und Jugendhilfe",
    ]


def test_a_table_without_lines_is_rebuilt_from_its_values() -> None:
    # Cells aligned at the bottom: the wrapped start of the first cell comes first.
    structure = doc(
        "Beratungsfolge Sitzungsart Sitzungstermin/e",
        "Ausschuss für",
        "Technik und Umwelt öffentlich 11.04.2022",
        "Kreistag nichtöffentlich 02.05.2022",
        "Tagesordnungspunkt 3",
    )
    steps = [(s.organization, s.date, s.public) for s in read_consultations(structure)]
    assert steps == [
        ("Ausschuss für Technik und Umwelt", date(2022, 4, 11), True),
        ("Kreistag", date(2022, 5, 2), False),
    ]
    assert read_agenda_item(structure) == "3"
    # A header without value lines stays text.
    assert read_consultations(doc("Beratungsfolge Sitzungsart", "Sachverhalt")) == []
