"""Every field of every document of the generated corpus is read right (a table test)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.services.reader import Format, Vorlage, detect_format, read_vorlage
from tests.services.reader_corpus import LAYOUTS, RENDERERS, Layout

FIELDS = [field.name for field in dataclasses.fields(Vorlage)]
DOCUMENTS = [(layout, kind) for layout in LAYOUTS for kind in layout.formats]
FORMATS = {
    "pdf": Format.PDF,
    "borderless.pdf": Format.PDF,
    "docx": Format.DOCX,
    "odt": Format.ODT,
    "txt": Format.TEXT,
}


@pytest.fixture(scope="session")
def rendered() -> dict[str, bytes]:
    return {f"{layout.name}.{kind}": RENDERERS[kind](layout) for layout, kind in DOCUMENTS}


@pytest.fixture(scope="session")
def read(rendered: dict[str, bytes]) -> dict[str, Vorlage]:
    return {name: read_vorlage(data) for name, data in rendered.items()}


def test_the_corpus_has_three_layouts_as_pdf_and_docx_and_one_as_odt_and_text() -> None:
    kinds = {kind for _, kind in DOCUMENTS}
    assert kinds == {"pdf", "docx", "odt", "txt", "borderless.pdf"}
    assert all({"pdf", "docx"} <= set(layout.formats) for layout in LAYOUTS)


@pytest.mark.parametrize(
    ("layout", "kind"), DOCUMENTS, ids=[f"{layout.name}.{kind}" for layout, kind in DOCUMENTS]
)
def test_the_format_is_recognised_by_content(
    layout: Layout, kind: str, rendered: dict[str, bytes]
) -> None:
    name = f"{layout.name}.{kind}"
    assert detect_format(rendered[name]) is FORMATS[kind]


@pytest.mark.parametrize(
    ("document", "field"),
    [(f"{layout.name}.{kind}", field) for layout, kind in DOCUMENTS for field in FIELDS],
)
def test_every_field_is_read_right(document: str, field: str, read: dict[str, Vorlage]) -> None:
    layout = next(layout for layout in LAYOUTS if document.startswith(f"{layout.name}."))
    assert getattr(read[document], field) == getattr(layout.expected, field)


def test_the_proposal_is_numbered_points_and_deciding_steps_are_authoritative(
    read: dict[str, Vorlage],
) -> None:
    antrag = read["antrag.pdf"]
    assert antrag.proposal is not None
    assert antrag.proposal.startswith("1. Die Verwaltung richtet")
    assert "\n2. Die Kosten werden im Haushalt 2027 veranschlagt.\n3. " in antrag.proposal
    assert read["ratsinfo.pdf"].proposal is None
    assert not any(step.authoritative for step in read["ratsinfo.pdf"].consultations)
