"""The screening questions, read from the published-indicator packs shipped as YAML data.

Two packs: the DHS Blue Campaign's indicator questions (`encounter_blue_campaign`) and the
ILO's 11 forced-labour indicators (`ilo_forced_labour`). Each question names the indicator it
asks about, its weight in the referral score, its published sources, and whether a "yes"
refers the encounter at once whatever the score (a minor in commercial sex). The packs are
data, checked when read: a question without a source or with a weight outside (0, 1] is
refused, so a typo never silently changes who gets referred.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import yaml

from ctip.indicators.engine import PACKS_DIR, PackError, Source

ENCOUNTER_PACK: Final = "encounter_blue_campaign"
FORCED_LABOUR_PACK: Final = "ilo_forced_labour"
SCREENING_PACKS: Final = (ENCOUNTER_PACK, FORCED_LABOUR_PACK)


@dataclass(frozen=True)
class Question:
    """One screening question about one published indicator."""

    id: str
    text: str
    indicator: str
    weight: float
    sources: tuple[Source, ...]
    refer_at_once: bool = False
    code: str = ""
    examples: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        """The sources as one line (a reference's citation)."""
        return "; ".join(s.citation for s in self.sources)


@dataclass(frozen=True)
class QuestionPack:
    """A versioned set of questions, so a stored screening names the pack that scored it."""

    name: str
    version: str
    description: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if the pack has it."""
        return next((q for q in self.questions if q.id == question_id), None)


def _question(raw: dict[str, Any]) -> Question:
    question_id = str(raw.get("id", "?"))
    try:
        question = Question(
            id=question_id,
            text=" ".join(str(raw["text"]).split()),
            indicator=str(raw["indicator"]),
            weight=float(raw["weight"]),
            sources=tuple(Source(**{k: str(v) for k, v in s.items()}) for s in raw["sources"]),
            refer_at_once=bool(raw.get("refer_at_once", False)),
            code=str(raw.get("code", "")),
            examples=tuple(str(e) for e in raw.get("examples", [])),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PackError(f"question {question_id}: {error}") from error
    if not 0 < question.weight <= 1:
        raise PackError(f"question {question_id}: weight must be in (0, 1]")
    if not question.sources:
        raise PackError(f"question {question_id}: every question needs a published source")
    return question


def parse_questions(text: str) -> QuestionPack:
    """A question pack from YAML text; duplicate ids, missing sources, bad weights refused."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list):
        raise PackError("a question pack is a mapping with a 'questions' list")
    questions = tuple(_question(q) for q in raw["questions"])
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise PackError(f"duplicate question ids in pack {raw.get('name')!r}")
    return QuestionPack(
        str(raw["name"]), str(raw["version"]), str(raw.get("description", "")), questions
    )


@cache
def load_questions(name: str) -> QuestionPack:
    """A question pack shipped with ctip (`ctip/indicators/packs/<name>.yaml`)."""
    path = PACKS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise PackError(f"no question pack named {name!r}")
    return parse_questions(path.read_text(encoding="utf-8"))


def screening_packs() -> tuple[QuestionPack, ...]:
    """The packs an encounter screening asks, in the order the form shows them."""
    return tuple(load_questions(name) for name in SCREENING_PACKS)


def all_questions() -> dict[str, Question]:
    """Every screening question by id."""
    return {q.id: q for pack in screening_packs() for q in pack.questions}


def ilo_indicators() -> tuple[Question, ...]:
    """The ILO's 11 indicators (what a forced-labour allegation names)."""
    return load_questions(FORCED_LABOUR_PACK).questions
