"""Combining notices into messages within Telegram's limits, and quiet hours (no database)."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.services.delivery.compose import compose, in_quiet_hours
from bot.services.delivery.text import SEPARATOR, visible_length
from storage.models import Delivery


def _row(
    row_id: int,
    text: str,
    *,
    batch: str | None = "b",
    combinable: bool = True,
    buttons: list[list[dict[str, Any]]] | None = None,
    document: Any = None,
) -> Delivery:
    return Delivery(
        id=row_id,
        event_key=f"e{row_id}",
        chat_id=7,
        kind="notice",
        batch_key=batch,
        attempts=0,
        payload={
            "text": text,
            "buttons": buttons or [],
            "combinable": combinable,
            "document": document,
        },
    )


def _button(label: str) -> list[dict[str, Any]]:
    return [{"text": label, "callback_data": f"x:{label}"}]


def test_notices_of_one_batch_become_one_message_in_order() -> None:
    rows = [
        _row(1, "Neue Vorlage", buttons=[_button("Vorlage")]),
        _row(2, "Termin verschoben", buttons=[_button("Termin")]),
        _row(3, "Tagesordnung", buttons=[_button("TO")]),
    ]
    [message] = compose(rows, None)
    assert message.text == SEPARATOR.join(["Neue Vorlage", "Termin verschoben", "Tagesordnung"])
    assert [b["text"] for row in message.buttons for b in row] == ["Vorlage", "Termin", "TO"]
    assert message.ids == [1, 2, 3]


def test_answer_requests_documents_and_other_batches_stay_separate() -> None:
    rows = [
        _row(1, "Neue Vorlage"),
        _row(2, "Kommen Sie?", combinable=False, buttons=[_button("Ja"), _button("Nein")]),
        _row(3, "Anlage", combinable=False, document={"file_id": 1}),
        _row(4, "Andere Runde", batch="c"),
        _row(5, "Ohne Runde", batch=None),
        _row(6, "Noch eine Vorlage"),
    ]
    messages = compose(rows, None)
    assert [m.ids for m in messages] == [[1, 6], [2], [3], [4], [5]]
    assert messages[1].buttons == [_button("Ja"), _button("Nein")]
    assert messages[2].document == {"file_id": 1}


def test_a_batch_too_long_for_one_message_is_split_between_notices() -> None:
    long_text = "<b>Tagesordnung</b> " + "x" * 1800
    rows = [_row(n, long_text) for n in range(1, 6)]
    messages = compose(rows, None)
    assert [m.ids for m in messages] == [[1, 2], [3, 4], [5]]
    assert all(visible_length(m.text) <= 4096 for m in messages)


def test_a_batch_with_too_many_buttons_is_split_between_notices() -> None:
    forty = [_button(f"b{n}") for n in range(40)]
    rows = [_row(n, f"Notiz {n}", buttons=forty) for n in range(1, 4)]
    messages = compose(rows, None)
    assert [m.ids for m in messages] == [[1, 2], [3]]
    assert sum(len(r) for r in messages[0].buttons) == 80


def test_quiet_hours_may_wrap_midnight() -> None:
    night = (time(22, 0), time(7, 0))
    assert in_quiet_hours(time(23, 30), *night)
    assert in_quiet_hours(time(0, 15), *night)
    assert in_quiet_hours(time(22, 0), *night)
    assert not in_quiet_hours(time(7, 0), *night)
    assert not in_quiet_hours(time(12, 0), *night)
    lunch = (time(12, 0), time(13, 0))
    assert in_quiet_hours(time(12, 30), *lunch)
    assert not in_quiet_hours(time(23, 0), *lunch)
    assert not in_quiet_hours(time(23, 0), None, None)
    assert not in_quiet_hours(time(23, 0), time(8, 0), time(8, 0))
