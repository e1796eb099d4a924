"""One chart per report section, drawn on the server as SVG (no script, nothing fetched).

Each figure is a pair of bars, the year before and this year, scaled to the larger of the
two: figures in dollars and in heads differ by orders of magnitude, so a shared axis would
flatten all but one. The numbers are written beside the bars, so the chart never has to be
read by eye, and the SVG carries a title and a description for screen readers.
"""

from __future__ import annotations

from html import escape

from ctip.reporting.report import Figure, Section, display

WIDTH = 720
BAR_AREA = 520
"""Bars start at the left edge under their label; the value is written after the bar."""
ROW = 58
BAR = 14
PRIOR_COLOUR = "#9aa5b1"
CURRENT_COLOUR = "#1f4e79"
LABEL_TEXT = 'font-family="sans-serif" font-size="13" fill="#1b1f23"'
VALUE_TEXT = 'font-family="sans-serif" font-size="11" fill="#3d4852"'
"""Presentation attributes, not a <style> element: the workbench's Content-Security-Policy
refuses inline styles, and attributes draw the same in the page, the export and a viewer."""


def _bar_length(value: float, largest: float) -> float:
    return 0.0 if largest <= 0 else max(BAR_AREA * value / largest, 1.0 if value else 0.0)


def _row(figure: Figure, top: int, fiscal_year: int) -> str:
    largest = float(max(figure.value, figure.prior_year_value, 0))
    parts = [
        f'<text x="0" y="{top + 14}" {LABEL_TEXT}>{escape(figure.label)}</text>',
    ]
    bars = (
        (figure.prior_year_value, PRIOR_COLOUR, f"FY{fiscal_year - 1}", top + 20),
        (figure.value, CURRENT_COLOUR, f"FY{fiscal_year}", top + 20 + BAR + 3),
    )
    for value, colour, year, y in bars:
        length = _bar_length(float(value), largest)
        text = f"{year}: {display(value, figure.is_money)}"
        parts.append(
            f'<rect x="0" y="{y}" width="{length:.1f}" height="{BAR}" '
            f'fill="{colour}"><title>{escape(text)}</title></rect>'
        )
        parts.append(
            f'<text x="{length + 6:.1f}" y="{y + BAR - 3}" {VALUE_TEXT}>{escape(text)}</text>'
        )
    return "".join(parts)


def section_svg(section: Section, fiscal_year: int) -> str:
    """The section's chart: the year before and this year, figure by figure."""
    height = ROW * len(section.figures) + 28
    title = f"{section.title}: FY{fiscal_year} beside FY{fiscal_year - 1}"
    rows = "".join(
        _row(figure, 26 + ROW * index, fiscal_year) for index, figure in enumerate(section.figures)
    )
    legend = (
        f'<rect x="0" y="2" width="12" height="12" fill="{PRIOR_COLOUR}"/>'
        f'<text x="16" y="12" {VALUE_TEXT}>FY{fiscal_year - 1}</text>'
        f'<rect x="90" y="2" width="12" height="12" fill="{CURRENT_COLOUR}"/>'
        f'<text x="106" y="12" {VALUE_TEXT}>FY{fiscal_year}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="chart-{section.area}">'
        f'<title id="chart-{section.area}">{escape(title)}</title>'
        f"{legend}{rows}</svg>"
    )
