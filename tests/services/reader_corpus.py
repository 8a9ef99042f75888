"""A generated corpus of Vorlagen in three real layouts, with the traps real documents have.

Each layout is a list of blocks (paragraphs, tables, page breaks, page header and footer) and the
fields a reader must find in it. Renderers turn the blocks into PDF (reportlab with the Bitstream
Vera TTF it ships), DOCX (python-docx), ODT (odfpy) and plain text, so one layout yields the same
fields in every format. Traps: other references and dates in the prose, a date written as
"3. März 2026", words broken by a hyphen at a line end, headers and footers repeated on every page,
table cells that wrap, a print date in the footer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.services.reader import Consultation, HistoryEntry, Vorlage

# "-\n" in a text is a word broken at a line end; "\n" a forced line break.


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]
    widths: list[float]  # in centimetres (PDF)


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Para | Table | PageBreak


@dataclass(frozen=True)
class Layout:
    name: str
    blocks: list[Block]
    expected: Vorlage
    header: str | None = None  # repeated at the top of every page
    footer: str | None = None  # "{page}" and "{pages}" filled in
    formats: tuple[str, ...] = ("pdf", "docx")
    text_encoding: str = "utf-8"
    extra: dict[str, Any] = field(default_factory=dict)


LANDRATSAMT = Layout(
    name="landratsamt",
    header="Landratsamt Konstanz",
    footer="Seite {page} von {pages}",
    formats=("pdf", "docx", "odt", "borderless.pdf"),
    blocks=[
        Para("Beschlussvorlage", bold=True),
        Table(
            [
                ["Organisationseinheit", "Datum", "Drucksachen-Nr."],
                ["Amt für Migration und Integration", "14.03.2022", "2022/037"],
            ],
            widths=[5.0, 3.0, 3.5],
        ),
        Table(
            [
                ["Beratungsfolge", "Sitzungsart", "Sitzungstermin/e"],
                ["Ausschuss für Technik und Umwelt", "öffentlich", "11.04.2022"],
                ["Kreistag", "öffentlich", "02.05.2022"],
            ],
            widths=[4.0, 3.0, 3.5],
        ),
        Para("Tagesordnungspunkt 3"),
        Para("Unterbringung von Geflüchteten;", bold=True),
        Para("Erweiterung der Gemeinschaftsunterkunft in Singen", bold=True),
        Para("Beschlussvorschlag", bold=True),
        Para(
            "1. Der Ausschuss für Technik und Umwelt empfiehlt dem Kreistag, der Erweiterung der "
            "Gemeinschaftsunterkunft in Singen um 60 Plätze zuzustimmen."
        ),
        PageBreak(),
        Para(
            "2. Die Verwaltung wird beauftragt, die Aus-\nschreibung der Bauleistungen "
            "vorzubereiten und die Kosten von 1,2 Mio. Euro im Haushalt 2023 zu veranschlagen."
        ),
        Para("Historie und Sachverhalt", bold=True),
        Para("7. Februar 2022, Kreistag, Drucksachen-Nr. 2022/011"),
        Para("22.11.2021, Ausschuss für Technik und Umwelt, Drucksachen-Nr. 2021/187"),
        Para(
            "Der Kreistag hat am 7. Februar 2022 die Planung der Unterbringung für das Jahr 2022 "
            "beschlossen (Drucksache 2022/011). Seit dem 3. März 2022 kommen deutlich mehr "
            "Menschen im Landkreis an, als die Planung an-\nnahm. Die Gemeinschaftsunterkunft in "
            "Singen ist mit 240 Plätzen voll belegt; das Gebäude von 1994 lässt sich nach dem "
            "Gutachten vom 01.02.2022 um einen Anbau erweitern. Die Kosten trägt zu 80 Prozent "
            "das Land."
        ),
        Para("Art der Aufgabe", bold=True),
        Para("[X] Pflichtaufgabe   [ ] Freiwillige Aufgabe"),
        Para("Finanzielle Auswirkungen", bold=True),
        Para("[ ] Nein   [X] Ja, 1,2 Mio. Euro (Haushaltsjahr 2023)"),
        Para("Anlagen: Keine"),
    ],
    expected=Vorlage(
        reference="2022/037",
        date=date(2022, 3, 14),
        paper_type="Beschlussvorlage",
        originator="Amt für Migration und Integration",
        title="Unterbringung von Geflüchteten; Erweiterung der Gemeinschaftsunterkunft in Singen",
        consultations=[
            Consultation("Ausschuss für Technik und Umwelt", date(2022, 4, 11), True, None),
            Consultation("Kreistag", date(2022, 5, 2), True, None),
        ],
        agenda_item="3",
        proposal_points=[
            "Der Ausschuss für Technik und Umwelt empfiehlt dem Kreistag, der Erweiterung der "
            "Gemeinschaftsunterkunft in Singen um 60 Plätze zuzustimmen.",
            "Die Verwaltung wird beauftragt, die Ausschreibung der Bauleistungen vorzubereiten "
            "und die Kosten von 1,2 Mio. Euro im Haushalt 2023 zu veranschlagen.",
        ],
        history=[
            HistoryEntry(date(2022, 2, 7), "Kreistag", "2022/011"),
            HistoryEntry(date(2021, 11, 22), "Ausschuss für Technik und Umwelt", "2021/187"),
        ],
        summary=(
            "Der Kreistag hat am 7. Februar 2022 die Planung der Unterbringung für das Jahr 2022 "
            "beschlossen (Drucksache 2022/011). Seit dem 3. März 2022 kommen deutlich mehr "
            "Menschen im Landkreis an, als die Planung annahm. Die Gemeinschaftsunterkunft in "
            "Singen ist mit 240 Plätzen voll belegt; das Gebäude von 1994 lässt sich nach dem "
            "Gutachten vom 01.02.2022 um einen Anbau erweitern."
        ),
        attachments=[],
    ),
)

RATSINFO = Layout(
    name="ratsinfo",
    header="Landkreis Konstanz – Ratsinformationssystem",
    footer="Gedruckt am 12.11.2026 10:15 Seite {page} von {pages}",
    formats=("pdf", "docx", "txt"),
    text_encoding="cp1252",
    blocks=[
        Para("Vorlage - 2026/204", bold=True),
        Para("Betreff: Bericht zur Lage der Kinder- und Jugendhilfe im Landkreis 2026"),
        Para("Status: öffentlich"),
        Para("Vorlage-Art: Informationsvorlage"),
        Para("Federführend: Amt für Kinder, Jugend und Familie"),
        Para("Datum: 21.10.2026"),
        Para("Beratungsfolge:", bold=True),
        Para("Datum\tGremium\tZuständigkeit"),
        Para("09.11.2026\tJugendhilfeausschuss\tKenntnisnahme"),
        Para("24.11.2026\tKreistag\tKenntnisnahme"),
        Para("Sachverhalt", bold=True),
        Para("1. Ausgangslage", bold=True),
        Para(
            "Der Jugendhilfeausschuss hat am 12. Mai 2025 beschlossen, jährlich über die Lage "
            "der Kinder- und Jugendhilfe zu berichten (Vorlage 2025/118). Der vorliegende Bericht "
            "umfasst das Jahr 2025 und vergleicht es mit den Jahren seit 2021."
        ),
        Para("2. Entwicklung der Fallzahlen", bold=True),
        Para(
            "Die Zahl der Hilfen zur Erziehung stieg von 1.204 auf 1.311 Fälle. Besonders "
            "gefragt waren ambulante Hilfen; die Heimunter-\nbringung ging leicht zurück."
        ),
        PageBreak(),
        Para("3. Ausblick", bold=True),
        Para(
            "Für 2027 rechnet das Amt mit weiter steigenden Zahlen. Der nächste Bericht folgt "
            "im Herbst 2027 (voraussichtlich Sitzung am 08.11.2027)."
        ),
        Para("Anlagen:", bold=True),
        Para("Anlage 1 Fallzahlen der Hilfen zur Erziehung 2025"),
        Para("Anlage 2 Stellungnahme des Kreisjugendrings"),
    ],
    expected=Vorlage(
        reference="2026/204",
        date=date(2026, 10, 21),
        paper_type="Informationsvorlage",
        originator="Amt für Kinder, Jugend und Familie",
        title="Bericht zur Lage der Kinder- und Jugendhilfe im Landkreis 2026",
        consultations=[
            Consultation("Jugendhilfeausschuss", date(2026, 11, 9), True, "Kenntnisnahme"),
            Consultation("Kreistag", date(2026, 11, 24), True, "Kenntnisnahme"),
        ],
        agenda_item=None,
        proposal_points=[],
        history=[],
        summary=(
            "Der Jugendhilfeausschuss hat am 12. Mai 2025 beschlossen, jährlich über die Lage "
            "der Kinder- und Jugendhilfe zu berichten (Vorlage 2025/118). Der vorliegende Bericht "
            "umfasst das Jahr 2025 und vergleicht es mit den Jahren seit 2021. Die Zahl der "
            "Hilfen zur Erziehung stieg von 1.204 auf 1.311 Fälle. Besonders gefragt waren "
            "ambulante Hilfen; die Heimunterbringung ging leicht zurück."
        ),
        attachments=[
            "Fallzahlen der Hilfen zur Erziehung 2025",
            "Stellungnahme des Kreisjugendrings",
        ],
    ),
)

ANTRAG = Layout(
    name="antrag",
    formats=("pdf", "docx", "txt"),
    blocks=[
        Para("CDU-Fraktion im Kreistag Konstanz", bold=True),
        Para("Benediktinerplatz 1 · 78467 Konstanz · Telefon 07531 800-0"),
        Para("Herrn Landrat"),
        Para("Max Beispielmann"),
        Para("Landratsamt Konstanz"),
        Para("Konstanz, 3. März 2026"),
        Table([["Eingang 05.03.2026", "Drucksachen-Nr. 2026/112/2"]], widths=[4.0, 6.0]),
        Para("Antrag: Schulsozialarbeit an allen beruflichen Schulen", bold=True),
        Para("Sehr geehrter Herr Landrat,"),
        Para(
            "die CDU-Fraktion stellt folgenden Antrag, der an unseren Antrag 2025/044 vom "
            "12. Januar 2026 anknüpft."
        ),
        Para("Der Kreistag möge beschließen:", bold=True),
        Para(
            "1. Die Verwaltung richtet zum Schuljahr 2026/27 an allen sieben beruflichen Schulen "
            "des Landkreises je eine Stelle für Schulsozialarbeit ein."
        ),
        Para("2. Die Kosten werden im Haushalt 2027 veranschlagt."),
        Para(
            "3. Die Verwaltung berichtet dem Ausschuss für Schule, Kultur und Sport bis zum "
            "30.06.2027 über die Erfahrungen."
        ),
        Para("Begründung", bold=True),
        Para(
            "An den allgemeinbildenden Schulen hat sich die Schulsozialarbeit bewährt. An den "
            "beruflichen Schulen fehlt sie bisher, obwohl dort viele junge Menschen in schwierigen "
            "Lagen lernen. Der Landesdurchschnitt liegt bei einer Stelle je 500 Schülerinnen und "
            "Schüler."
        ),
        Para("Mit freundlichen Grüßen"),
        Para("Dr. Erika Beispiel"),
        Para("Fraktionsvorsitzende"),
    ],
    expected=Vorlage(
        reference="2026/112/2",
        date=date(2026, 3, 3),
        paper_type="Antrag",
        originator="CDU-Fraktion",
        title="Schulsozialarbeit an allen beruflichen Schulen",
        consultations=[],
        agenda_item=None,
        proposal_points=[
            "Die Verwaltung richtet zum Schuljahr 2026/27 an allen sieben beruflichen Schulen "
            "des Landkreises je eine Stelle für Schulsozialarbeit ein.",
            "Die Kosten werden im Haushalt 2027 veranschlagt.",
            "Die Verwaltung berichtet dem Ausschuss für Schule, Kultur und Sport bis zum "
            "30.06.2027 über die Erfahrungen.",
        ],
        history=[],
        summary=(
            "An den allgemeinbildenden Schulen hat sich die Schulsozialarbeit bewährt. An den "
            "beruflichen Schulen fehlt sie bisher, obwohl dort viele junge Menschen in schwierigen "
            "Lagen lernen. Der Landesdurchschnitt liegt bei einer Stelle je 500 Schülerinnen und "
            "Schüler."
        ),
        attachments=None,
    ),
)

LAYOUTS = (LANDRATSAMT, RATSINFO, ANTRAG)


def _pages(layout: Layout) -> int:
    return 1 + sum(isinstance(block, PageBreak) for block in layout.blocks)


# --- PDF (reportlab) -------------------------------------------------------------------------


def render_pdf(layout: Layout, *, encrypt: str | None = None, grid: bool = True) -> bytes:
    """The layout as a PDF; `grid=False` draws its tables as Word exports often do: without
    lines, cells aligned at the top (then the cells are found by their values)."""
    import reportlab
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable

    fonts = Path(reportlab.__file__).parent / "fonts"
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    normal = ParagraphStyle("normal", fontName="Vera", fontSize=10, leading=13, spaceAfter=4)
    bold = ParagraphStyle("bold", parent=normal, fontName="VeraBd", fontSize=11)
    pages = _pages(layout)

    def markup(text: str) -> str:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return escaped.replace("\t", "&nbsp;&nbsp;&nbsp;").replace("\n", "<br/>")

    def furniture(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Vera", 8)
        if layout.header:
            canvas.drawString(2 * cm, A4[1] - 1.5 * cm, layout.header)
        if layout.footer:
            text = layout.footer.format(page=document.page, pages=pages)
            canvas.drawString(2 * cm, 1.2 * cm, text)
        canvas.restoreState()

    story: list[Any] = []
    for block in layout.blocks:
        if isinstance(block, Para):
            story.append(Paragraph(markup(block.text), bold if block.bold else normal))
        elif isinstance(block, Table):
            cells = [[Paragraph(markup(cell), normal) for cell in row] for row in block.rows]
            table = RLTable(cells, colWidths=[width * cm for width in block.widths])
            if grid:
                table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")])
            else:  # Word's default: cells aligned at the top, no lines
                table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
            story += [table, Spacer(1, 6)]
        else:
            story.append(RLPageBreak())
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt, canPrint=0)
    document = SimpleDocTemplate(buffer, pagesize=A4, topMargin=2.5 * cm, **kwargs)
    document.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buffer.getvalue()


def render_scan_pdf() -> bytes:
    """A "scanned" page: only a drawn picture, no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for row in range(40):
        page.rect(50, 780 - row * 18, 300 + (row * 37) % 200, 8, fill=1, stroke=0)
    page.showPage()
    page.save()
    return buffer.getvalue()


# --- Word (python-docx) ----------------------------------------------------------------------


def render_docx(layout: Layout) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    section = document.sections[0]
    if layout.header:
        section.header.paragraphs[0].text = layout.header
    if layout.footer:
        section.footer.paragraphs[0].text = layout.footer.format(page=1, pages=_pages(layout))
    for block in layout.blocks:
        if isinstance(block, Para):
            paragraph = document.add_paragraph()
            # Word wraps by itself: a word broken for the PDF is whole here.
            lines = block.text.replace("-\n", "").split("\n")
            for index, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.bold = block.bold
                if index < len(lines) - 1:
                    run.add_break()
        elif isinstance(block, Table):
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            for row, values in zip(table.rows, block.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        else:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- OpenDocument (odfpy) --------------------------------------------------------------------


def render_odt(layout: Layout) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table as OdfTable
    from odf.table import TableCell, TableColumn, TableRow
    from odf.text import LineBreak, P

    document = OpenDocumentText()
    for block in layout.blocks:
        if isinstance(block, Para):
            paragraph = P()
            lines = block.text.replace("-\n", "").split("\n")
            for index, line in enumerate(lines):
                paragraph.addText(line)
                if index < len(lines) - 1:
                    paragraph.addElement(LineBreak())
            document.text.addElement(paragraph)
        elif isinstance(block, Table):
            table = OdfTable()
            table.addElement(TableColumn(numbercolumnsrepeated=len(block.rows[0])))
            for values in block.rows:
                row = TableRow()
                for value in values:
                    cell = TableCell()
                    cell.addElement(P(text=value))
                    row.addElement(cell)
                table.addElement(row)
            document.text.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


# --- Plain text ------------------------------------------------------------------------------


def render_text(layout: Layout) -> bytes:
    """A text export: pages separated by form feeds, header and footer on every page."""
    pages: list[list[str]] = [[]]
    for block in layout.blocks:
        if isinstance(block, PageBreak):
            pages.append([])
        elif isinstance(block, Para):
            pages[-1].extend(block.text.split("\n"))
        else:
            pages[-1].extend(" | ".join(row) for row in block.rows)
    texts = []
    for number, lines in enumerate(pages, 1):
        framed = ([layout.header, ""] if layout.header else []) + lines
        if layout.footer:
            framed += ["", layout.footer.format(page=number, pages=len(pages))]
        texts.append("\r\n".join(framed) + "\r\n")
    return "\f".join(texts).encode(layout.text_encoding)


def render_borderless_pdf(layout: Layout) -> bytes:
    return render_pdf(layout, grid=False)


RENDERERS = {
    "pdf": render_pdf,
    "docx": render_docx,
    "odt": render_odt,
    "txt": render_text,
    "borderless.pdf": render_borderless_pdf,
}


def corpus() -> list[tuple[str, bytes, Vorlage]]:
    """(name, file content, expected fields) for every layout in every format."""
    return [
        (f"{layout.name}.{kind}", RENDERERS[kind](layout), layout.expected)
        for layout in LAYOUTS
        for kind in layout.formats
    ]
