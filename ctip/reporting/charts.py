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
LABEL_WIDTH = 280
BAR_AREA = 330
ROW = 46
BAR = 14
PRIOR_COLOUR = "#9aa5b1"
CURRENT_COLOUR = "#1f4e79"


def _bar_length(value: float, largest: float) -> float:
    return 0.0 if largest <= 0 else max(BAR_AREA * value / largest, 1.0 if value else 0.0)


def _row(figure: Figure, top: int, fiscal_year: int) -> str:
    largest = float(max(figure.value, figure.prior_year_value, 0))
    parts = [
        f'<text x="0" y="{top + 18}" class="chart-label">{escape(figure.label)}</text>',
    ]
    bars = (
        (figure.prior_year_value, PRIOR_COLOUR, f"FY{fiscal_year - 1}", top + 4),
        (figure.value, CURRENT_COLOUR, f"FY{fiscal_year}", top + 4 + BAR + 4),
    )
    for value, colour, year, y in bars:
        length = _bar_length(float(value), largest)
        text = f"{year}: {display(value, figure.is_money)}"
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" '
            f'fill="{colour}"><title>{escape(text)}</title></rect>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR - 3}" '
            f'class="chart-value">{escape(text)}</text>'
        )
    return "".join(parts)


def section_svg(section: Section, fiscal_year: int) -> str:
    """The section's chart: the year before and this year, figure by figure."""
    height = ROW * len(section.figures) + 24
    title = f"{section.title}: FY{fiscal_year} beside FY{fiscal_year - 1}"
    rows = "".join(
        _row(figure, 24 + ROW * index, fiscal_year) for index, figure in enumerate(section.figures)
    )
    legend = (
        f'<rect x="0" y="2" width="12" height="12" fill="{PRIOR_COLOUR}"/>'
        f'<text x="16" y="12" class="chart-value">FY{fiscal_year - 1}</text>'
        f'<rect x="90" y="2" width="12" height="12" fill="{CURRENT_COLOUR}"/>'
        f'<text x="106" y="12" class="chart-value">FY{fiscal_year}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="chart-{section.area}">'
        f'<title id="chart-{section.area}">{escape(title)}</title>'
        f"<style>.chart-label{{font:13px sans-serif;fill:#1b1f23}}"
        f".chart-value{{font:11px sans-serif;fill:#3d4852}}</style>"
        f"{legend}{rows}</svg>"
    )
