"""Checking an import file: every problem with its place, its line and why; no database."""

from __future__ import annotations

from datetime import UTC, datetime
from textwrap import dedent

import pytest

from bot.services.importer import ImportInvalid, Problem
from bot.services.importer.validate import ImportData, Known
from tests.import_samples import validate

ORGANIZATIONS = """\
organizations:
  - {key: lenkungsgruppe, name: Lenkungsgruppe, kind: committee}
  - {key: sozialausschuss, name: Sozialausschuss, kind: committee}
  - {key: spd, name: SPD-Fraktion, kind: faction}
"""


def check(text: str, known: Known | None = None) -> ImportData:
    return validate(dedent(text), known=known)


def problems(text: str, known: Known | None = None) -> list[Problem]:
    with pytest.raises(ImportInvalid) as raised:
        check(text, known)
    return raised.value.problems


def meeting(**fields: str) -> str:
    values = {
        "key": "m1",
        "organization": "sozialausschuss",
        "kind": "session",
        "name": "Sitzung",
        "start": "2021-07-05T14:00",
        **fields,
    }
    body = "".join(f"    {key}: {value}\n" for key, value in values.items() if value != "")
    return ORGANIZATIONS + "meetings:\n  - " + body.lstrip()


def test_a_valid_meeting_is_read_in_the_configured_time_zone() -> None:
    data = check(meeting(end="2021-07-05T17:00", agenda='[{number: 5, name: "A & B"}]'))
    [item] = data.meetings
    assert item.start == datetime(2021, 7, 5, 12, 0, tzinfo=UTC)
    assert item.end == datetime(2021, 7, 5, 15, 0, tzinfo=UTC)
    assert item.agenda[0].number == "5"  # an unquoted number means the text
    assert item.is_public


def test_a_yaml_syntax_error_names_its_line() -> None:
    [problem] = problems("organizations:\n  - {key: a, name: b\nmeetings: []\n")
    assert problem.line == 3
    assert problem.message.startswith("YAML syntax error: ")


def test_an_impossible_date_is_named_with_place_and_line() -> None:
    [problem] = problems(meeting(start="2021-02-30T14:00"))
    assert problem == Problem(10, "meetings[0].start", "'2021-02-30T14:00' is not a valid date")
    assert str(problem) == "line 10: meetings[0].start: '2021-02-30T14:00' is not a valid date"


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2021-07-05T25:00", "'2021-07-05T25:00' is not a valid time of day"),
        ("05.07.2021 14:00", "'05.07.2021 14:00' is not a date and time like 2021-07-05T14:00"),
        ("2021-07-05", "'2021-07-05' is not a date and time like 2021-07-05T14:00"),
        ("14", "14 is not a date and time like 2021-07-05T14:00"),
    ],
)
def test_bad_times_are_explained(start: str, message: str) -> None:
    [problem] = problems(meeting(start=start))
    assert (problem.place, problem.message) == ("meetings[0].start", message)


def test_a_time_skipped_by_the_change_to_summer_time_is_refused() -> None:
    [problem] = problems(meeting(start="2021-03-28T02:30"))
    assert "'2021-03-28T02:30' does not exist in Europe/Berlin" in problem.message
    assert "2021-03-28T03:30" in problem.message


def test_a_time_that_occurs_twice_needs_its_offset() -> None:
    [problem] = problems(meeting(start="2021-10-31T02:30"))
    assert "occurs twice" in problem.message
    assert "2021-10-31T02:30+02:00 or 2021-10-31T02:30+01:00" in problem.message
    [item] = check(meeting(start="2021-10-31T02:30+01:00")).meetings
    assert item.start == datetime(2021, 10, 31, 1, 30, tzinfo=UTC)


def test_end_before_start_is_refused() -> None:
    [problem] = problems(meeting(end="2021-07-05T13:00"))
    assert (problem.place, problem.line) == ("meetings[0].end", 11)
    assert problem.message == "the end must be after the start"


def test_unknown_keys_wrong_types_and_missing_fields_are_all_reported() -> None:
    found = problems(meeting(name="", kind="sesion", colour="red", rsvp='"yes"', public="[1]"))
    by_place = {problem.place: problem.message for problem in found}
    assert by_place == {
        "meetings[0].name": "is required",
        "meetings[0].kind": "'sesion' is not one of 'session', 'presentation' or 'appointment'",
        "meetings[0].colour": (
            "is not a known key (allowed: key, organization, kind, name, start, end, "
            "location, public, cancelled, rsvp, agenda)"
        ),
        "meetings[0].rsvp": "'yes' is not true or false",
        "meetings[0].public": "a list is not true or false",
    }
    assert {problem.line for problem in found if problem.place != "meetings[0].name"} == {
        8,
        10,
        11,
        12,
    }


def test_a_key_given_twice_in_one_mapping_is_refused() -> None:
    [problem] = problems(meeting(name="Sitzung\n    name: Nochmal"))
    assert (problem.place, problem.line) == ("meetings[0].name", 10)  # the second
    assert problem.message == "the key 'name' is given twice"


def test_references_and_duplicates_are_checked_across_the_file() -> None:
    text = ORGANIZATIONS + dedent(
        """\
          - {key: spd, name: SPD, kind: faction}
        members:
          - {name: Anna, faction: sozialausschuss}
          - {name: Anna}
        meetings:
          - {key: m1, organization: bauausschuss, kind: session, name: S, start: 2021-07-05T14:00,
             agenda: [{number: "1", name: A, paper: "2021/999"}, {number: "1", name: B}]}
        papers:
          - reference: "2021/1"
            name: P
            paper_type: Beschlussvorlage
            originator: landrat
            consultations:
              - {organization: spd, meeting: m9}
        """
    )
    found = [(problem.line, problem.place, problem.message) for problem in problems(text)]
    assert found == [
        (5, "organizations[3].key", "'spd' is given twice (also at organizations[2])"),
        (7, "members[0].faction", "'sozialausschuss' is a committee, not a faction"),
        (
            8,
            "members[1].name",
            "'Anna' is given twice (also at members[0]); without telegram_id a member is "
            "known by name",
        ),
        (
            10,
            "meetings[0].organization",
            "the organization 'bauausschuss' is neither among the organizations of this file "
            "nor in the database",
        ),
        (
            11,
            "meetings[0].agenda[0].paper",
            "the paper '2021/999' is neither in this file nor in the database",
        ),
        (11, "meetings[0].agenda[1].number", "'1' is given twice (also at meetings[0].agenda[0])"),
        (
            16,
            "papers[0].originator",
            "the originator 'landrat' is neither among the organizations of this file nor in "
            "the database",
        ),
        (
            18,
            "papers[0].consultations[0].meeting",
            "the meeting 'm9' is neither in this file nor in the database",
        ),
        (18, "papers[0].consultations[0].organization", "'spd' is a faction, not a committee"),
    ]


def test_references_to_the_database_are_accepted() -> None:
    text = dedent(
        """\
        meetings:
          - {key: m1, organization: kreistag, kind: session, name: S, start: 2021-07-26T15:00,
             agenda: [{number: "5", name: Sozialstrategie, paper: "2021/144"}]}
        """
    )
    known = Known({"kreistag": "committee"}, frozenset({"2021/144"}), frozenset())
    assert check(text, known).meetings[0].agenda[0].paper == "2021/144"


def test_a_broken_item_still_gets_its_reference_checked() -> None:
    found = problems(meeting(organization="bauausschuss", start="2021-02-30T14:00"))
    assert [problem.place for problem in found] == ["meetings[0].organization", "meetings[0].start"]


def test_members_need_the_steering_group() -> None:
    text = "organizations: []\nmembers:\n  - {name: Anna}\n"
    [problem] = problems(text)
    assert problem.place == "members"
    assert "the steering group 'lenkungsgruppe' (GREMIENBOT_GROUP_KEY)" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "the file must be a mapping with the sections body, organizations,"),
        ("meetings: {key: m1}\n", "a mapping is not a list"),
        ("gremien: []\n", "is not a known section (allowed: body, organizations,"),
        ("organizations:\n  - !!python/object:os.system {}\n", "is not supported here"),
        ("organizations:\n  - just a text\n", "'just a text' is not a mapping (key: value)"),
    ],
)
def test_wrong_structures_are_explained(text: str, message: str) -> None:
    [problem] = problems(text)
    assert message in problem.message


def test_anchors_and_merge_keys_may_share_values() -> None:
    text = ORGANIZATIONS + dedent(
        """\
        meetings:
          - &base {key: m1, organization: sozialausschuss, kind: session, name: S,
                   start: 2021-07-05T14:00, location: Landratsamt}
          - {<<: *base, key: m2, start: 2021-07-12T14:00}
        """
    )
    first, second = check(text).meetings
    assert (second.key, second.location) == ("m2", "Landratsamt")
    assert second.start > first.start
