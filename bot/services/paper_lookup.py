"""Finding a Vorlage from what a member types after /vorlage.

`2021/144` is the reference itself; `144`, `2021-144`, `21/144` or `2021 144` name the same
Vorlage by its number (and year); when that is not unique, or nothing matches exactly, the
near matches are offered (the same number in other years, or a search for the words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Paper
from storage.queries.council import paper_by_reference
from storage.queries.search import papers_numbered, search

TYPED = re.compile(r"(?:(\d{2}|\d{4})\s*[-/._ ]\s*)?0*(\d{1,6})")
STORED = re.compile(r"(?:.*?)(\d{2}|\d{4})\s*[-/._ ]\s*0*(\d{1,6})")
MAX_NEAR = 8


@dataclass(frozen=True)
class Found:
    reference: str | None = None  # the one Vorlage meant
    near: list[Paper] = field(default_factory=list)  # else: what the member may have meant


def _same_year(typed: str, stored: str) -> bool:
    return stored == typed or (len(typed) == 2 and stored.endswith(typed))


async def find_paper(session: AsyncSession, *, text: str) -> Found:
    text = " ".join(text.split())
    exact = await paper_by_reference(session, reference=text)
    if exact is not None:
        return Found(reference=exact.reference)
    near: list[Paper] = []
    typed = TYPED.fullmatch(text)
    if typed is not None:
        year, number = typed.group(1), typed.group(2)
        for paper in await papers_numbered(session, number=number, limit=50):
            stored = STORED.fullmatch(paper.reference)
            if stored is None or stored.group(2) != number:
                continue
            if year is None or _same_year(year, stored.group(1)):
                near.append(paper)
        if len(near) == 1:
            return Found(reference=near[0].reference)
    if not near:
        page = await search(session, text=text, limit=MAX_NEAR * 3)
        near = [hit for hit in page.items if isinstance(hit, Paper)]
    return Found(near=near[:MAX_NEAR])
