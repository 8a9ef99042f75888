"""What is wrong with an import file: each problem with its place, its line and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import UserError

# A place in the document: top-level section, item index, field name, ...
Path = tuple[str | int, ...]


def place_of(path: Path) -> str:
    """('meetings', 2, 'start') → 'meetings[2].start' (indexes count from 0, as in jq)."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


@dataclass(frozen=True, order=True)
class Problem:
    """One problem; `line` counts from 1 and is None only when no line is known."""

    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        return (
            f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"
        )


class ImportInvalid(UserError):
    """The file was rejected whole; nothing was written. `problems` lists every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda problem: (problem.line or 0, problem.place))
        super().__init__(
            "import.invalid",
            count=len(self.problems),
            problems="\n".join(str(problem) for problem in self.problems),
        )

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
