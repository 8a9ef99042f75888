"""Benchmark of the Vorlage reader: `.venv/bin/python -m bench.read`.

1. Seconds per document for a two-page PDF and a DOCX (read_vorlage: detection, extraction
   with tables, every field rule), against a baseline that only pulls the plain text out of
   the same file with the same library (pdfplumber's extract_text per page, python-docx's
   paragraph texts); the ratio says what the table handling and the field rules cost.
   Goal: well under a second per document.
2. Field accuracy over the generated corpus (tests/services/reader_corpus.py: three layouts
   as PDF, DOCX, ODT and text): fields read right / all fields.

Needs the dev extras (reportlab generates the corpus).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from bot.services.reader import Vorlage, read_vorlage
from tests.services.reader_corpus import LANDRATSAMT, corpus, render_docx, render_pdf


def _seconds(function: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _plain_pdf(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _plain_docx(data: bytes) -> str:
    import docx

    return "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)


def accuracy() -> tuple[int, int, list[str]]:
    names = [field.name for field in dataclasses.fields(Vorlage)]
    right, total, wrong = 0, 0, []
    for name, data, expected in corpus():
        read = read_vorlage(data)
        for field in names:
            total += 1
            if getattr(read, field) == getattr(expected, field):
                right += 1
            else:
                wrong.append(f"{name}:{field}")
    return right, total, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per measurement (median)")
    args = parser.parse_args()

    pdf, docx_file = render_pdf(LANDRATSAMT), render_docx(LANDRATSAMT)
    read_vorlage(pdf), read_vorlage(docx_file)  # warm up imports
    _plain_pdf(pdf), _plain_docx(docx_file)
    print("1. Seconds per document (median of", args.repeat, "runs)")
    for label, data, plain in (
        ("two-page PDF", pdf, _plain_pdf),
        ("DOCX", docx_file, _plain_docx),
    ):
        ours = _seconds(lambda data=data: read_vorlage(data), args.repeat)
        base = _seconds(lambda data=data, plain=plain: plain(data), args.repeat)
        print(
            f"   {label:<13} read_vorlage {ours:.3f} s   plain text only {base:.3f} s   "
            f"ratio {ours / base:.2f}   goal < 1 s: {'met' if ours < 1 else 'MISSED'}"
        )
    right, total, wrong = accuracy()
    print(f"2. Field accuracy over the corpus: {right}/{total} = {right / total:.1%}")
    for miss in wrong:
        print(f"   wrong: {miss}")


if __name__ == "__main__":
    main()
