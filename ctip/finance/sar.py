"""A draft suspicious-activity narrative for a flagged account, in FinCEN's five Ws.

FinCEN asks a SAR narrative to say who, what, when, where, why and how, and asks filers on
human trafficking to carry the key term `HUMAN TRAFFICKING FIN-2020-A008`. This drafts that
narrative from the account's finding, patterns and payments, for the analyst to check and
rewrite: it is marked DRAFT on every page and is never filed by ctip.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape
from typing import Final

from ctip.finance.service import AccountView

KEY_TERM: Final = "HUMAN TRAFFICKING FIN-2020-A008"
DRAFT: Final = "DRAFT - for analyst review, not a filed report"
MAX_LISTED: Final = 40


@dataclass(frozen=True)
class Narrative:
    """The sections of the draft, in order, and the payments it rests on."""

    title: str
    sections: tuple[tuple[str, str], ...]
    payments: tuple[tuple[str, str, str, str, str, str], ...]

    def text(self) -> str:
        """The draft as plain text."""
        lines = [DRAFT, self.title, KEY_TERM, ""]
        for heading, body in self.sections:
            lines += [heading.upper(), body, ""]
        lines.append("TRANSACTIONS (id, time, from, to, amount, channel)")
        lines += [" | ".join(p) for p in self.payments]
        lines += ["", DRAFT]
        return "\n".join(lines) + "\n"


def draft(view: AccountView) -> Narrative:
    """The five Ws of the account's finding."""
    holder = view.account.holder_name if view.account and view.account.holder_name else ""
    bank = view.account.bank if view.account and view.account.bank else "the filing institution"
    who = (
        f"Account {view.account_id}"
        + (f" held by {holder}" if holder else " (holder not identified in the records)")
        + f" at {bank}."
    )
    counterparts = sorted(
        {m.account_id for p, _ in view.patterns for m in p.members} - {view.account_id}
    )
    if counterparts:
        who += f" Counterparties in the patterns: {', '.join(counterparts[:20])}."
    explanation = view.explanation
    what = (
        "; ".join(f.sentence.rstrip(".") for f in explanation.supporting()) + "."
        if explanation
        else "No finding: the account has not been scanned."
    )
    steps = [t.step for t in view.transactions if t.step >= 0]
    total = sum(float(t.amount) for t in view.transactions if _number(t.amount))
    when = (
        f"Between step/day {min(steps)} and {max(steps)}: {len(view.transactions)} payments "
        f"totalling {total:,.2f}."
        if steps
        else "No dated payments."
    )
    channels = sorted({t.channel for t in view.transactions if t.channel})
    where = f"Channels: {', '.join(channels) or 'not given'}; institution: {bank}."
    why = (
        f"Score {explanation.score:.2f}. {explanation.summary()} The activity matches typologies "
        "and red flags FinCEN associates with the laundering of human trafficking proceeds "
        f"(FIN-2014-A008, FIN-2020-A008). Key term: {KEY_TERM}."
        if explanation
        else f"Key term: {KEY_TERM}."
    )
    how = (
        " ".join(f"{p.sentence()} (as {role})." for p, role in view.patterns)
        or "No multi-account pattern found; see the red flags above."
    )
    payments = tuple(
        (t.tx_id, t.occurred_at or str(t.step), t.source, t.target, t.amount, t.channel)
        for t in view.transactions[:MAX_LISTED]
    )
    sections = (
        ("Who", who),
        ("What", what),
        ("When", when),
        ("Where", where),
        ("Why", why),
        ("How", how),
    )
    return Narrative(f"Draft SAR narrative: account {view.account_id}", sections, payments)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def pdf_bytes(narrative: Narrative) -> bytes:
    """The draft as a PDF, DRAFT on every page (ReportLab imported here)."""
    from reportlab.lib.pagesizes import LETTER  # type: ignore[import-untyped]
    from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=LETTER, title=narrative.title, author="ctip")

    def mark(canvas: object, _doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont("Helvetica-Bold", 10)  # type: ignore[attr-defined]
        canvas.drawString(40, 760, DRAFT)  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    story: list[object] = [
        Paragraph(escape(narrative.title), styles["Title"]),
        Paragraph(escape(KEY_TERM), styles["Heading2"]),
    ]
    for heading, body in narrative.sections:
        story += [
            Paragraph(escape(heading), styles["Heading3"]),
            Paragraph(escape(body), styles["Normal"]),
        ]
    story += [Spacer(1, 12), Paragraph("Transactions", styles["Heading3"])]
    for payment in narrative.payments:
        story.append(Paragraph(escape(" | ".join(payment)), styles["Code"]))
    document.build(story, onFirstPage=mark, onLaterPages=mark)
    return out.getvalue()
