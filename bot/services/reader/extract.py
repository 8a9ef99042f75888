"""Text extraction per format, with libraries: pdfplumber (pypdf as fallback), python-docx, odfpy.

Each extractor returns pages of `Line`s; tables come out as rows of cells, so a cell that wraps
over two lines stays one value.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from typing import Any

from bot.services.reader.detect import Format, decode_text
from bot.services.reader.errors import DAMAGED, ENCRYPTED, NO_TEXT, ReadError
from bot.services.reader.lines import Line, clean_pages, join_wrapped, normalize

log = logging.getLogger(__name__)


def extract_text(data: bytes, kind: Format) -> list[Line]:
    """The document's lines, cleaned; a document without any text is refused."""
    if kind is Format.PDF:
        pages = _pdf(data)
    elif kind is Format.DOCX:
        pages = [_docx(data)]
    elif kind is Format.ODT:
        pages = [_odt(data)]
    else:
        pages = [_text_lines(page) for page in decode_text(data).split("\f")]
    lines = clean_pages(pages)
    if not lines:
        raise ReadError(NO_TEXT if kind is Format.PDF else DAMAGED)
    return lines


def _text_lines(text: str) -> list[Line]:
    return [Line(normalize(line)) for line in text.splitlines()]


# --- PDF -----------------------------------------------------------------------------------


def _pdf(data: bytes) -> list[list[Line]]:
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as error:  # e.g. AES without a crypto library: still locked
                raise ReadError(ENCRYPTED) from error
            if not opened:
                raise ReadError(ENCRYPTED)
        page_count = len(reader.pages)
    except ReadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReadError(DAMAGED) from error
    if page_count == 0:
        raise ReadError(DAMAGED)
    try:
        pages = _pdfplumber_pages(data)
    except Exception:
        # pdfminer stumbles over some producers' output that pypdf reads: keep the text, lose
        # the table cells.
        log.info("pdfplumber could not read the PDF; falling back to pypdf", exc_info=True)
        pages = [_text_lines(page.extract_text() or "") for page in reader.pages]
    if not any(pages):
        raise ReadError(NO_TEXT)
    return pages


def _pdfplumber_pages(data: bytes) -> list[list[Line]]:
    import pdfplumber

    pages: list[list[Line]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            blocks: list[tuple[float, int, Line]] = []
            tables = page.find_tables()
            boxes = [table.bbox for table in tables]
            for table in tables:
                for row, cells in zip(table.rows, table.extract(), strict=False):
                    line = Line.row([cell or "" for cell in cells])
                    if line.text:
                        blocks.append((row.bbox[1], len(blocks), line))
            for text_line in page.extract_text_lines(return_chars=False):
                middle = (text_line["top"] + text_line["bottom"]) / 2
                if any(top <= middle <= bottom for _, top, _, bottom in boxes):
                    continue
                blocks.append((text_line["top"], len(blocks), Line(normalize(text_line["text"]))))
            blocks.sort(key=lambda block: (block[0], block[1]))
            pages.append([line for _, _, line in blocks])
    return pages


# --- Word (DOCX) ----------------------------------------------------------------------------


def _docx(data: bytes) -> list[Line]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError(DAMAGED) from error
    except Exception as error:  # python-docx raises its own errors for broken packages
        raise ReadError(DAMAGED) from error
    # A Word template keeps the letterhead (and often the header table) in the page header of
    # the first page; it comes first. Footers hold page numbers and print dates: left out.
    section = document.sections[0] if document.sections else None
    header = None
    if section is not None:
        header = section.first_page_header if section.different_first_page_header_footer else None
        if header is None or header.is_linked_to_previous:
            header = section.header
    blocks = (
        list(header.iter_inner_content()) if header and not header.is_linked_to_previous else []
    )
    lines: list[Line] = []
    for block in [*blocks, *document.iter_inner_content()]:
        if isinstance(block, Paragraph):
            lines.extend(_text_lines(block.text))
        elif isinstance(block, Table):
            for row in block.rows:
                seen: list[Any] = []
                cells: list[str] = []
                for cell in row.cells:
                    if cell._tc in seen:  # a merged cell repeats; keep it once
                        continue
                    seen.append(cell._tc)
                    cells.append(cell.text)
                line = Line.row(cells)
                if line.text:
                    lines.append(line)
    return lines


# --- OpenDocument (ODT) ---------------------------------------------------------------------


def _odt(data: bytes) -> list[Line]:
    from odf import opendocument, teletype
    from odf.namespaces import TABLENS, TEXTNS

    try:
        document = opendocument.load(io.BytesIO(data))
    except Exception as error:  # odfpy raises anything from zipfile to xml errors
        raise ReadError(DAMAGED) from error

    def walk(node: Any) -> Iterator[Line]:
        for child in node.childNodes:
            qname = getattr(child, "qname", None)
            if qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                yield from _text_lines(teletype.extractText(child))
            elif qname == (TABLENS, "table"):
                for row in _odt_rows(child):
                    cells = [
                        join_wrapped(
                            "\n".join(teletype.extractText(p) for p in _odt_paragraphs(cell))
                        )
                        for cell in row.childNodes
                        if getattr(cell, "qname", None) == (TABLENS, "table-cell")
                    ]
                    line = Line.row(cells)
                    if line.text:
                        yield line
            elif qname is not None:
                yield from walk(child)

    return list(walk(document.text))


def _odt_rows(table: Any) -> Iterator[Any]:
    from odf.namespaces import TABLENS

    for child in table.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (TABLENS, "table-row"):
            yield child
        elif qname in ((TABLENS, "table-header-rows"), (TABLENS, "table-rows")):
            yield from _odt_rows(child)


def _odt_paragraphs(node: Any) -> Iterator[Any]:
    from odf.namespaces import TEXTNS

    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield child
        elif qname is not None:
            yield from _odt_paragraphs(child)
