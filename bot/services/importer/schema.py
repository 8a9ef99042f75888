"""The shape of an import file (DESIGN section 5) as pydantic models, and its value parsers.

Pydantic rather than hand-written checks: it already reports every wrong type, missing
field and unknown key of an item at once, with the location of each; `describe()` turns
its error records into one plain sentence each, and the caller maps the locations back to
lines of the file. Models are strict (a quoted "true" is not a boolean, 111 is not a name)
and forbid unknown keys, so a typo never passes silently.

Dates and times are parsed here by hand, because the file's times are local times in the
configured zone: a time that does not exist (clocks put forward) or exists twice (clocks
put back) must be refused with a message that says so.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)
from pydantic_core import ErrorDetails, PydanticCustomError

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATETIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _invalid(reason: str) -> PydanticCustomError:
    # The reason goes in as a context value, so braces in the user's text are harmless.
    return PydanticCustomError("import_value", "{reason}", {"reason": reason})


def show(value: object) -> str:
    """A value as the user wrote it, for messages."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _parse_date(value: object) -> date:
    text = value.strip() if isinstance(value, str) else None
    match = _DATE.fullmatch(text) if text else None
    if match is None:
        raise _invalid(f"{show(value)} is not a date like 2021-07-05")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _invalid(f"{show(value)} is not a valid date") from None


def local_to_utc(naive: datetime, zone: tzinfo, written: str) -> datetime:
    """Interpret a wall-clock time in `zone`; refuse times that do not exist or exist twice."""
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            suggestion = (naive + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
            raise _invalid(
                f"'{written}' does not exist in {zone}: the clocks are put forward at that "
                f"time; write the time after the change, e.g. {suggestion}"
            )
        offsets = [moment.strftime("%z") for moment in (earlier, later)]
        shown = [f"{offset[:3]}:{offset[3:]}" for offset in offsets]
        raise _invalid(
            f"'{written}' occurs twice in {zone} (the clocks are put back at that time); "
            f"add the offset: {written}{shown[0]} or {written}{shown[1]}"
        )
    return earlier.astimezone(UTC)


def _parse_local_datetime(value: object, info: ValidationInfo) -> datetime:
    text = value.strip() if isinstance(value, str) else None
    match = _DATETIME.fullmatch(text) if text else None
    if text is None or match is None:
        raise _invalid(f"{show(value)} is not a date and time like 2021-07-05T14:00")
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        day_value = date(int(year), int(month), int(day))
    except ValueError:
        raise _invalid(f"{show(value)} is not a valid date") from None
    try:
        naive = datetime.combine(day_value, datetime.min.time()).replace(
            hour=int(hour), minute=int(minute), second=int(second or 0)
        )
    except ValueError:
        raise _invalid(f"{show(value)} is not a valid time of day") from None
    if offset is not None:  # an explicit offset settles an ambiguous local time
        if offset == "Z":
            return naive.replace(tzinfo=UTC)
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if delta >= timedelta(hours=24):
            raise _invalid(f"{show(value)} has an impossible UTC offset")
        return naive.replace(tzinfo=timezone(sign * delta)).astimezone(UTC)
    context = info.context or {}
    zone = context.get("tz")
    assert isinstance(zone, tzinfo), "validate with context={'tz': ZoneInfo(...)}"
    return local_to_utc(naive, zone, text)


def _number_as_text(value: object) -> object:
    """Unquoted `5` or `2021` in YAML is a number; as a key or TOP number it means the text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _check_key(value: object) -> object:
    if isinstance(value, str) and not _KEY.fullmatch(value.strip()):
        raise _invalid(
            f"{show(value)} is not a valid key: use letters, digits, '-', '_' and '.' only"
        )
    return value


def _text(max_length: int | None = None) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Key = Annotated[str, _text(100), BeforeValidator(_check_key), BeforeValidator(_number_as_text)]
Reference = Annotated[str, _text(50), BeforeValidator(_number_as_text)]
Name = Annotated[str, _text(255)]
LongText = Annotated[str, _text()]
Short = Annotated[str, _text(100)]
IsoDate = Annotated[date, BeforeValidator(_parse_date)]
LocalDateTime = Annotated[datetime, BeforeValidator(_parse_local_datetime)]


class _Item(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class BodyIn(_Item):
    key: Key
    name: Name


class OrganizationIn(_Item):
    key: Key
    name: Name
    kind: Literal["committee", "faction", "department"]


class MemberIn(_Item):
    """Fields left out keep what an existing person has; `model_fields_set` tells which."""

    name: Annotated[str, _text(200)]
    faction: Key | None = None
    department: Key | None = None  # administration staff: a department instead of a faction
    function: Annotated[str, _text(200)] | None = None
    admin: bool = False
    telegram_id: Annotated[int, Field(gt=0)] | None = None


class AgendaItemIn(_Item):
    number: Annotated[str, _text(20), BeforeValidator(_number_as_text)]
    name: LongText
    public: bool = True
    paper: Reference | None = None


class MeetingIn(_Item):
    key: Key
    organization: Key
    kind: Literal["session", "presentation", "appointment"]
    name: Name
    start: LocalDateTime
    end: LocalDateTime | None = None
    location: Name | None = None
    public: bool | None = None  # None: presentations are internal, everything else public
    cancelled: bool = False
    rsvp: bool = False
    agenda: list[AgendaItemIn] = []

    @property
    def is_public(self) -> bool:
        return self.public if self.public is not None else self.kind != "presentation"


class ConsultationIn(_Item):
    organization: Key
    date: IsoDate | None = None
    meeting: Key | None = None
    public: bool = True
    role: Short | None = None
    authoritative: bool = False


class HistoryIn(_Item):
    """An earlier consultation the Vorlage names (Historie)."""

    date: IsoDate
    organization: Key
    reference: Reference | None = None


class PaperIn(_Item):
    reference: Reference
    name: LongText
    paper_type: Short
    date: IsoDate | None = None
    originator: Key | None = None
    proposal: LongText | None = None
    summary: LongText | None = None
    agenda_item: Annotated[str, _text(20), BeforeValidator(_number_as_text)] | None = None
    history: list[HistoryIn] = []
    attachments: list[Annotated[str, _text(255)]] | None = None  # []: "Anlagen: Keine"
    consultations: list[ConsultationIn] = []


_EXPECTED = {
    "string_type": "a text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "a mapping (key: value)",
    "dict_type": "a mapping (key: value)",
    "date_type": "a date",
    "datetime_type": "a date and time",
}


def model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model that validates the value at `loc` below `model` (for listing allowed keys)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(step)
        if field is None:
            return None
        current = field.annotation
        while get_args(current) and not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            candidates = [arg for arg in get_args(current) if isinstance(arg, type)]
            current = next((arg for arg in candidates if issubclass(arg, BaseModel)), None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def describe(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One sentence for one pydantic error, naming the offending value."""
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "import_value":
        return str(context["reason"])
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        owner = model_at(model, error["loc"][:-1])
        allowed = ", ".join(owner.model_fields) if owner else ""
        return "is not a known key" + (f" (allowed: {allowed})" if allowed else "")
    if kind == "literal_error":
        return f"{show(value)} is not one of {context.get('expected', '')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {context.get('max_length')} characters"
    if kind == "greater_than":
        return f"{show(value)} must be greater than {context.get('gt')}"
    if kind in _EXPECTED:
        return f"{show(value)} is not {_EXPECTED[kind]}"
    return str(error["msg"])
