"""Files that are no readable Vorlage give one sentence each and invent nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.i18n import t
from bot.services.reader import MAX_BYTES, ReadError, read_vorlage
from tests.services.reader_corpus import RATSINFO, render_pdf, render_scan_pdf

ELF_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
WINDOWS_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 200
)


def error_of(data: bytes) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_vorlage(data)
    return caught.value


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "reader.empty"),
        (b"  \r\n\t \n", "reader.empty"),
        (ELF_PROGRAM, "reader.program"),
        (WINDOWS_PROGRAM, "reader.program"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\ngarbage", "reader.damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "reader.unsupported"),
    ],
    ids=["empty", "blank", "elf-program", "windows-program", "broken-pdf", "picture"],
)
def test_bad_files_give_their_sentence(data: bytes, key: str) -> None:
    error = error_of(data)
    assert error.key == key
    german, english = error.render("de"), error.render("en")
    assert german and english and german != english
    assert german.count(".") + german.count("?") >= 1


def test_a_scan_without_text_is_recognised() -> None:
    error = error_of(render_scan_pdf())
    assert error.key == "reader.no_text"
    assert "Scan" in error.render("de")


def test_a_password_protected_pdf_is_refused() -> None:
    assert error_of(render_pdf(RATSINFO, encrypt="geheim")).key == "reader.encrypted"


def test_a_file_over_twenty_megabytes_is_refused_before_reading() -> None:
    error = error_of(b"%PDF-1.7\n" + b" " * MAX_BYTES)
    assert error.key == "reader.too_large"
    assert "20" in error.render("de")


def test_a_zip_that_is_no_office_document_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hallo")
    assert error_of(buffer.getvalue()).key == "reader.unsupported"


def test_text_in_windows_1252_is_read() -> None:
    text = "Vorlage - 2026/301\r\nBetreff: Straßenmeisterei Überlingen\r\n".encode("cp1252")
    read = read_vorlage(text)
    assert read.reference == "2026/301"
    assert read.title == "Straßenmeisterei Überlingen"


def test_a_text_without_any_vorlage_fields_invents_none() -> None:
    read = read_vorlage("Liebe Grüße aus dem Urlaub, bis bald!\n".encode())
    assert read.reference is None and read.date is None and read.title is None
    assert read.consultations == [] and read.proposal_points == [] and read.attachments is None


def test_every_sentence_is_in_both_catalogs() -> None:
    for key in ("empty", "too_large", "unsupported", "program", "encrypted", "damaged", "no_text"):
        for language in ("de", "en"):
            assert t(language, f"reader.{key}", megabytes=20) != f"reader.{key}"


def test_a_word_letterhead_in_the_page_header_is_read() -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "SPD-Fraktion im Kreistag Konstanz"
    document.sections[0].footer.paragraphs[0].text = "Seite 1 – gedruckt am 01.12.2026"
    document.add_paragraph("Konstanz, 3. März 2026")
    document.add_paragraph("Antrag: Mehr Busse im Hegau")
    buffer = io.BytesIO()
    document.save(buffer)
    read = read_vorlage(buffer.getvalue())
    assert (read.originator, read.paper_type, read.title) == (
        "SPD-Fraktion",
        "Antrag",
        "Mehr Busse im Hegau",
    )
    assert read.date is not None and read.date.isoformat() == "2026-03-03"
