"""Typed drafts as JSON: a dialogue's draft is a dataclass of plain values.

Allowed field types: str, int, float, bool, None, datetime (aware, stored as ISO 8601), date,
a StrEnum or IntEnum, and lists of these. Anything else (an ORM object, bytes) is refused when
the draft is written, so a draft can never hold a database object or a file's content; an
attachment is kept as its Telegram file_id.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

Json = dict[str, Any]
D = TypeVar("D")


class DraftError(TypeError):
    """A draft holds a value that is not a plain, JSON-serialisable one."""


def _encode(value: object, where: str) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise DraftError(f"{where}: naive datetime")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(item, where) for item in value]
    raise DraftError(f"{where}: {type(value).__name__} is not a plain draft value")


def encode_draft(draft: object) -> Json:
    """The draft dataclass as a JSON object; refuses anything but plain values."""
    if not dataclasses.is_dataclass(draft) or isinstance(draft, type):
        raise DraftError(f"a draft is a dataclass instance, not {type(draft).__name__}")
    name = type(draft).__name__
    return {
        field.name: _encode(getattr(draft, field.name), f"{name}.{field.name}")
        for field in dataclasses.fields(draft)
    }


def _decode(kind: Any, value: object) -> object:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(kind)
        assert isinstance(value, list)
        return [_decode(item, entry) for entry in value]
    if kind is datetime:
        assert isinstance(value, str)
        return datetime.fromisoformat(value)
    if kind is date:
        assert isinstance(value, str)
        return date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def decode_draft(cls: type[D], data: Json) -> D:
    """The dataclass from its JSON object; fields missing in `data` take their defaults."""
    hints = typing.get_type_hints(cls)
    values = {
        field.name: _decode(hints[field.name], data[field.name])
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]
        if field.name in data
    }
    return cls(**values)


def dumps(data: Json) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Json:
    loaded = json.loads(text)
    assert isinstance(loaded, dict)
    return loaded
