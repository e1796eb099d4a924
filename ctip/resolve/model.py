"""The Splink model: comparisons, blocking rules and training, declared as data.

A model is a Splink settings object. It is saved to and loaded from JSON (the trained m and u
probabilities included), so a run can be repeated and an incremental batch is scored by the
very model that built the clusters it joins. Comparison levels carry seeded m and u
probabilities (what field experience says a level is worth), so a small batch that cannot
support training is still scored sensibly; training on enough records replaces them.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import ColumnExpression, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.exceptions import EMTrainingException

MODEL_VERSION = 1
RANDOM_SEED = 42
MIN_RECORDS_FOR_U = 200
MIN_RECORDS_FOR_EM = 1000
U_SAMPLE_PAIRS = 5e5  # ~12 s on Febrl 3, and the same links as with 2e6 pairs
LOG = logging.getLogger(__name__)
PRIOR_RECALL = 0.7
MAX_PRIOR = 0.5
FALLBACK = {"m_probability": 0.5, "u_probability": 0.5}
COMPARISON_COLUMNS = {"name": ("first_name", "surname")}


def _level(level: ComparisonLevelCreator, m: float, u: float) -> ComparisonLevelCreator:
    """A comparison level with its seeded m (agreement among matches) and u (among non-matches)."""
    return level.configure(m_probability=m, u_probability=u)


def _prefix_consistent(column: str) -> str:
    """SQL: one date is a partial form of the other ("1980-05" and "1980-05-07")."""
    left, right = f"{column}_l", f"{column}_r"
    return (
        f"(length({left}) <> length({right}) and "
        f"(substr({left}, 1, length({right})) = {right} "
        f"or substr({right}, 1, length({left})) = {left}))"
    )


def name_comparison() -> ComparisonCreator:
    """Names: exact, swapped first/last, close spelling of both, then of the surname only."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="first name and surname",
        comparison_levels=[
            cll.And(cll.NullLevel("first_name"), cll.NullLevel("surname")),
            _level(
                cll.And(cll.ExactMatchLevel("first_name"), cll.ExactMatchLevel("surname")),
                0.6,
                1e-5,
            ),
            _level(cll.ColumnsReversedLevel("first_name", "surname"), 0.02, 1e-6),
            _level(
                cll.And(
                    cll.JaroWinklerLevel("first_name", 0.88), cll.JaroWinklerLevel("surname", 0.88)
                ),
                0.25,
                1e-4,
            ),
            _level(cll.ExactMatchLevel("surname"), 0.05, 1e-3),
            _level(cll.JaroWinklerLevel("surname", 0.88), 0.03, 5e-3),
            _level(cll.ExactMatchLevel("first_name"), 0.03, 1e-2),
            _level(cll.ElseLevel(), 0.02, 0.98),
        ],
    )


def birth_date_comparison() -> ComparisonCreator:
    """Birth dates: exact, one digit off or transposed, a partial date that agrees, else."""
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            _level(cll.ExactMatchLevel("birth_date"), 0.85, 1e-4),
            _level(
                cll.And(
                    cll.CustomLevel("length(birth_date_l) = length(birth_date_r)"),
                    cll.DamerauLevenshteinLevel("birth_date", 1),
                ).configure(label_for_charts="one digit off or transposed"),
                0.1,
                5e-3,
            ),
            _level(
                cll.CustomLevel(_prefix_consistent("birth_date"), "partial date agrees"),
                0.03,
                1e-2,
            ),
            _level(cll.ElseLevel(), 0.02, 0.985),
        ],
    )


def _string_comparison(column: str, description: str, thresholds: list[float]) -> ComparisonCreator:
    """Free text (street, city): exact, then Jaro-Winkler bands, else."""
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(column),
        _level(cll.ExactMatchLevel(column), 0.8, 1e-3),
    ]
    ms = [0.1, 0.05, 0.03]
    us = [1e-2, 3e-2, 6e-2]
    for index, threshold in enumerate(thresholds):
        levels.append(_level(cll.JaroWinklerLevel(column, threshold), ms[index], us[index]))
    levels.append(_level(cll.ElseLevel(), 0.05, 0.9))
    return cl.CustomComparison(
        output_column_name=column, comparison_description=description, comparison_levels=levels
    )


def identifier_comparison(column: str, description: str) -> ComparisonCreator:
    """Phones and postcodes: exact, one character off (a mistyped digit), else."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            _level(cll.ExactMatchLevel(column), 0.85, 1e-4),
            _level(cll.DamerauLevenshteinLevel(column, 1), 0.08, 2e-3),
            _level(cll.ElseLevel(), 0.07, 0.998),
        ],
    )


def email_comparison() -> ComparisonCreator:
    """E-mails: exact, the same user name at another domain, close spelling, else."""
    user = ColumnExpression("email").regex_extract("^[^@]+")
    return cl.CustomComparison(
        output_column_name="email",
        comparison_description="e-mail address",
        comparison_levels=[
            cll.NullLevel("email"),
            _level(cll.ExactMatchLevel("email"), 0.85, 1e-5),
            _level(
                cll.ExactMatchLevel(user).configure(label_for_charts="same user name"), 0.05, 1e-4
            ),
            _level(cll.JaroWinklerLevel("email", 0.88), 0.05, 1e-3),
            _level(cll.ElseLevel(), 0.05, 0.999),
        ],
    )


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    """Every piece of evidence the model weighs, one comparison each."""
    return [
        name_comparison(),
        birth_date_comparison(),
        _string_comparison("address", "street address", [0.9, 0.8]),
        _string_comparison("city", "city or locality", [0.9]),
        identifier_comparison("postcode", "postcode"),
        identifier_comparison("phone", "phone (E.164)"),
        identifier_comparison("id_number", "passport, national id or social security number"),
        email_comparison(),
    ]


def blocking_rules() -> list[Any]:
    """Which pairs are compared at all: any one shared strong key brings a pair together.

    Each rule alone keeps blocks small on a million records; together they tolerate a typo
    in any single field (a pair sharing only a misspelt surname still meets on birth date).
    """
    return [
        block_on("first_name", "surname"),
        block_on("surname", "birth_date"),
        block_on("first_name", "birth_date"),
        block_on("birth_date", "postcode"),
        block_on("surname", "postcode"),
        block_on("first_name", "postcode"),
        block_on("phone"),
        block_on("id_number"),
        block_on("email"),
        block_on("address", "surname"),
    ]


def deterministic_rules() -> list[Any]:
    """Pairs surely the same person: used only to estimate how common matches are."""
    return [
        block_on("first_name", "surname", "birth_date"),
        block_on("email"),
        block_on("id_number"),
    ]


TRAINING_BLOCKS = (("first_name", "surname"), ("birth_date",), ("postcode",), ("email",))
MIN_FILL = 0.1


def training_rules(fill: dict[str, float] | None = None) -> list[Any]:
    """EM training blocks: each fixes some fields so the others' m probabilities can be learnt.

    A block on a field that is mostly empty in the data is left out: it yields too few pairs
    for EM to learn from.
    """
    return [
        block_on(*columns)
        for columns in TRAINING_BLOCKS
        if fill is None or all(fill.get(c, 0.0) >= MIN_FILL for c in columns)
    ]


def settings() -> SettingsCreator:
    """The untrained model with seeded probabilities."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=1e-4,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["source"],
    )


def splink_default_settings() -> SettingsCreator:
    """Splink's own library comparisons with their defaults: the peer a benchmark compares to."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.LevenshteinAtThresholds("address"),
            cl.ExactMatch("city"),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=True,
    )


def train(linker: Linker, record_count: int, fill: dict[str, float] | None = None) -> None:
    """Train without labels: u from random sampling (fixed seed), then m by EM.

    Too few records give noisy estimates, so small inputs keep the seeded values.
    """
    if record_count >= MIN_RECORDS_FOR_U:
        estimate_prior(linker, record_count)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=RANDOM_SEED)
    if record_count >= MIN_RECORDS_FOR_EM:
        for rule in training_rules(fill):
            _train_block(linker, rule)
    keep_probabilities_sound(linker)


def prior(linker: Linker) -> float:
    """How likely two random records are the same entity, as the model holds it now."""
    return float(linker._settings_obj._probability_two_random_records_match)


def set_prior(linker: Linker, value: float) -> None:
    """Replace the model's prior (Splink has no public setter after training)."""
    linker._settings_obj._probability_two_random_records_match = value


def estimate_prior(linker: Linker, record_count: int) -> None:
    """Estimate the prior from sure pairs, falling back to a sound value at the edges.

    Splink's estimate is 0 when no pair is sure (every record distinct) and fails when
    nearly every pair is sure (thousands of exact duplicates); a prior of exactly 0 or 1
    makes every match weight infinite (`math domain error` at scoring). Neither edge is
    evidence of certainty, so the prior is kept strictly between them: no sure pairs among
    n records means fewer than one match per n(n-1)/2 pairs; all-sure pairs mean a high
    but not certain prior, so the other evidence still counts.
    """
    seeded = prior(linker)
    pairs = max(record_count * (record_count - 1) / 2, 1.0)
    try:
        linker.training.estimate_probability_two_random_records_match(
            deterministic_rules(), recall=PRIOR_RECALL
        )
    except ValueError as error:
        LOG.info("prior estimate out of range, kept at %s: %s", MAX_PRIOR, error)
        set_prior(linker, MAX_PRIOR)
        return
    estimate = prior(linker)
    if not estimate > 0:
        set_prior(linker, min(seeded, 1 / pairs))
    elif estimate > MAX_PRIOR:
        set_prior(linker, MAX_PRIOR)


def keep_probabilities_sound(linker: Linker) -> None:
    """Any m or u that training drove to 0, 1 or nothing goes back to its seeded value.

    A column empty everywhere, or one value shared by all records, trains such edges; left
    in, they give infinite weights. The seeded values say what the level is usually worth.
    """
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            for name in ("m_probability", "u_probability"):
                value = getattr(level, name)
                if value is None or not 0 < value < 1 or math.isnan(value):
                    _reset_level(level, name)


def _reset_level(level: Any, name: str) -> None:
    seeded = getattr(level, f"default_{name}", None)
    fallback = seeded if seeded is not None and 0 < seeded < 1 else FALLBACK[name]
    setattr(level, name, fallback)


def _train_block(linker: Linker, rule: Any) -> None:
    """One EM pass; a block the data cannot fill (no postcodes at all) keeps seeded values."""
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, fix_probability_two_random_records_match=True
        )
    except EMTrainingException as error:
        LOG.info("EM block skipped: %s", str(error).splitlines()[0])


def save_model(linker: Linker) -> dict[str, Any]:
    """The trained model as a JSON-ready settings dictionary."""
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def model_json(linker: Linker) -> str:
    """The trained model as JSON text (stored with each run)."""
    return json.dumps(save_model(linker), sort_keys=True)


def load_model(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """A model from JSON text, a JSON file, or a dictionary."""
    if isinstance(source, dict):
        return source
    if isinstance(source, Path):
        source = source.read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(source)
    return loaded
