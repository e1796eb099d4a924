"""The fiscal-year report as a file: JSON, CSV, a standalone HTML page, or a PDF.

The HTML carries its charts inline as SVG and its style in the page, so it opens anywhere
without fetching anything. The PDF is drawn with ReportLab (its own drawings for the charts)
and keeps the same text as the page, so what a reader copies out of it is the figures.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape

from ctip.model.csvsafe import safe_text
from ctip.reporting.charts import CURRENT_COLOUR, PRIOR_COLOUR, section_svg
from ctip.reporting.report import Figure, Report, Section, as_json, display
from ctip.reporting.suppression import K

CSV_COLUMNS = ("id", "label", "value", "prior_year_value", "records")
SUPPRESSED = f"<{K}"
NOTE = (
    f"Figures are computed from the records when the report is made. Cells under {K} in "
    "breakdowns are suppressed (and one more where a single suppressed cell could be worked "
    "out from the total); totals are not."
)


def json_text(report: Report) -> str:
    """The report as JSON text (numbers as JSON numbers)."""
    return json.dumps(as_json(report), indent=2, ensure_ascii=False)


def csv_text(report: Report) -> str:
    """One row per figure; text cells made safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.figures:
        writer.writerow(
            [safe_text(f.id), safe_text(f.label), f.value, f.prior_year_value, f.records]
        )
    return out.getvalue()


def _breakdown_html(figure: Figure) -> str:
    if not figure.breakdown:
        return ""
    cells = ", ".join(
        f"{escape(c.category)}: {SUPPRESSED if c.value is None else f'{c.value:,}'}"
        for c in figure.breakdown
    )
    return f'<p class="breakdown">{cells}</p>'


def _section_html(section: Section, fiscal_year: int) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{escape(f.label)}{_breakdown_html(f)}</th>"
        f"<td class='num'>{display(f.value, f.is_money)}</td>"
        f"<td class='num'>{display(f.prior_year_value, f.is_money)}</td></tr>"
        for f in section.figures
    )
    return (
        f"<section><h2>{escape(section.title)}</h2>"
        f"<table><thead><tr><th>Figure</th><th>FY{fiscal_year}</th>"
        f"<th>FY{fiscal_year - 1}</th></tr></thead><tbody>{rows}</tbody></table>"
        f"{section_svg(section, fiscal_year)}</section>"
    )


def html_document(report: Report) -> str:
    """A standalone page: the figures, the year before, a chart per section."""
    year = report.fiscal_year
    body = "".join(_section_html(s, year) for s in report.sections)
    style = (
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#1b1f23}"
        "table{border-collapse:collapse;width:100%;margin:1rem 0}"
        "th,td{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left}"
        ".num{text-align:right;font-variant-numeric:tabular-nums}"
        ".breakdown{font-weight:normal;font-size:.85rem;color:#57606a;margin:.2rem 0 0}"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Fiscal year {year} report</title><style>{style}</style></head><body>"
        f"<h1>Fiscal year {year}: the year in figures</h1><p>{escape(NOTE)}</p>"
        f"{body}</body></html>"
    )


def pdf_bytes(report: Report) -> bytes:
    """The report as a PDF: a table and a chart per section (ReportLab is imported here, so
    `ctip --help` does not load it)."""
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import LETTER  # type: ignore[import-untyped]
    from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    title = f"Fiscal year {report.fiscal_year}: the year in figures"
    document = SimpleDocTemplate(out, pagesize=LETTER, title=title, author="ctip")
    story: list[object] = [Paragraph(escape(title), styles["Title"])]
    story.append(Paragraph(escape(NOTE), styles["Normal"]))
    grid = TableStyle(
        [
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ]
    )
    for section in report.sections:
        story += [Spacer(1, 12), Paragraph(escape(section.title), styles["Heading2"])]
        story.append(Table(_pdf_rows(section, report.fiscal_year), colWidths=(300, 100, 100)))
        story[-1].setStyle(grid)  # type: ignore[attr-defined]
        for figure in section.figures:
            if figure.breakdown:
                story.append(Paragraph(escape(_breakdown_text(figure)), styles["Italic"]))
        story += [Spacer(1, 6), _pdf_chart(section, report.fiscal_year)]
    document.build(story)
    return out.getvalue()


def _breakdown_text(figure: Figure) -> str:
    cells = ", ".join(
        f"{c.category}: {SUPPRESSED if c.value is None else f'{c.value:,}'}"
        for c in figure.breakdown
    )
    return f"{figure.label} by category: {cells}"


def _pdf_rows(section: Section, year: int) -> list[list[str]]:
    rows = [["Figure", f"FY{year}", f"FY{year - 1}"]]
    for f in section.figures:
        rows.append(
            [f.label, display(f.value, f.is_money), display(f.prior_year_value, f.is_money)]
        )
    return rows


def _pdf_chart(section: Section, year: int) -> object:
    """The section's chart as a ReportLab drawing: paired bars per figure, values written."""
    from reportlab.graphics.shapes import Drawing, Rect, String  # type: ignore[import-untyped]
    from reportlab.lib import colors

    row, bar, label_width, bar_area = 30, 9, 200, 200
    drawing = Drawing(500, row * len(section.figures) + 10)
    for index, figure in enumerate(reversed(section.figures)):
        base = 6 + row * index
        drawing.add(String(0, base + 8, figure.label[:45], fontSize=8))
        largest = float(max(figure.value, figure.prior_year_value, 0)) or 1.0
        pairs = (
            (figure.prior_year_value, PRIOR_COLOUR, year - 1, base + bar + 2),
            (figure.value, CURRENT_COLOUR, year, base),
        )
        for value, colour, fy, y in pairs:
            length = bar_area * float(value) / largest
            fill = colors.HexColor(colour)
            drawing.add(Rect(label_width, y, length, bar, fillColor=fill, strokeColor=None))
            text = f"FY{fy}: {display(value, figure.is_money)}"
            drawing.add(String(label_width + length + 4, y + 2, text, fontSize=7))
    return drawing
