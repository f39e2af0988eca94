"""The certification pages' words and tables built from a row of the `certification` query:
the advice as catalogue keys with their numbers (`advice_messages`), the conditions of client
certification met or not (`client_conditions`), the task split per level in the reader's
language (`task_split`), and the Q-check charts in words (`standing_summary`, and
`trend_in_words` for one organisation's years). Never re-derived: everything comes from the
row the rules and the store computed (`selstats.rules.certification`,
`selstats.rules.certification_advice`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from selstats.domain.enums import Certification, LanguageRole
from selstats.figures.present import value_text
from selstats.i18n import translate
from selstats.i18n.format import UNKNOWN, fmt_int, fmt_num
from selstats.rules.certification import (
    DEFAULT_THRESHOLDS,
    MISSING_AZ,
    MISSING_TESTS,
    NO_PRO_PARTNER,
    NO_QCHECKS,
    QCHECK_BELOW,
    TOO_FEW_CERTIFIED,
    CertificationThresholds,
    meets_qcheck,
)
from selstats.rules.certification_advice import mode_of
from selstats.rules.certification_standing import STANDINGS, standing
from selstats.ui.cell_counts import count_text


@dataclass(frozen=True)
class Message:
    """One sentence of advice: a catalogue key under `certification.advice.` and its
    numbers (ints are counts, floats percentages or percentage points)."""

    key: str
    params: Mapping[str, int | float | None] = field(default_factory=dict)


def advice_messages(
    row: Mapping[str, object], thresholds: CertificationThresholds = DEFAULT_THRESHOLDS
) -> list[Message]:
    """The advice for one organisation's row of the `certification` query (its `gaps` text
    and Q-check outlook), as sentences to word: one per gap, the Q-check gap followed by
    what would close it."""
    line = thresholds.qcheck_threshold_percent
    messages: list[Message] = []
    if row.get("gaps") is None:  # hidden: it would give small counts back (suppression)
        return [Message("hidden")]
    gaps = [part.partition("=") for part in str(row.get("gaps") or "").split(",") if part]
    if not gaps and row.get("qualifies_for") == Certification.CLIENT.value:
        return [Message("qualifies_client")]
    for code, _, amount in gaps:
        if code == TOO_FEW_CERTIFIED:
            have = _whole(row["certified_staff"])
            need = thresholds.min_certified_staff
            messages.append(Message(code, {"count": int(amount), "have": have, "need": need}))
        elif code == QCHECK_BELOW:
            messages += _qcheck_messages(row, float(amount), line)
        elif amount:
            messages.append(Message(code, {"count": int(amount)}))
        else:
            messages.append(Message(code))
    return messages


def _qcheck_messages(row: Mapping[str, object], distance: float, line: float) -> list[Message]:
    def number(name: str) -> float | None:
        value = row.get(name)
        return None if value is None else float(value)  # type: ignore[arg-type]

    mode = mode_of(row)
    figure = number("qcheck_figure")
    messages = [Message(f"qcheck_below_{mode}", {"average": figure, "distance": distance})]
    at_100 = row.get("checks_needed_at_100")
    if at_100 is not None:
        messages.append(Message("checks_at_100", {"count": int(at_100)}))  # type: ignore[call-overload]
    recent, at_recent = number("recent_average"), row.get("checks_needed_at_recent")
    if recent is not None and at_recent is not None:
        params = {"count": int(at_recent), "recent": recent}  # type: ignore[call-overload]
        messages.append(Message("checks_at_recent", params))
    elif recent is not None:
        messages.append(Message("recent_too_low", {"recent": recent, "threshold": line}))
    one_more = number("min_score_for_one_more")
    if one_more is not None:
        messages.append(Message("one_more", {"score": one_more}))
    else:
        messages.append(Message("one_more_impossible"))
    return messages


@dataclass(frozen=True)
class Condition:
    """A condition of client certification, with what it asks and what the organisation has
    (`present` None: no Q-check average)."""

    code: str
    required: int | float
    present: int | float | None
    met: bool


def _whole(value: object) -> int | None:
    """A count as a number; None when small-cell suppression made it text ("<5")."""
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def client_conditions(
    row: Mapping[str, object], thresholds: CertificationThresholds = DEFAULT_THRESHOLDS
) -> list[Condition]:
    """The conditions of client certification for one organisation's row of the
    `certification` query, met or not as its reasons say (never re-derived). Codes: az_nl,
    az_fr, tests_nl, tests_fr, certified_staff, pro_partner, qcheck_<mode>."""
    t = thresholds
    reasons = set(str(row.get("reasons") or "").split(","))
    staff = [  # (code, required, column of the count, reason code when unmet)
        ("az_nl", t.min_az_per_language_role, "az_nl", MISSING_AZ[LanguageRole.NL]),
        ("az_fr", t.min_az_per_language_role, "az_fr", MISSING_AZ[LanguageRole.FR]),
        ("tests_nl", t.min_tests_per_language_role, "tests_nl", MISSING_TESTS[LanguageRole.NL]),
        ("tests_fr", t.min_tests_per_language_role, "tests_fr", MISSING_TESTS[LanguageRole.FR]),
        ("certified_staff", t.min_certified_staff, "certified_staff", TOO_FEW_CERTIFIED),
        ("pro_partner", t.min_pro_partners, "pro_partners", NO_PRO_PARTNER),
    ]
    found = [
        Condition(code, required, _whole(row[column]), reason not in reasons)
        for code, required, column, reason in staff
    ]
    figure = row.get("qcheck_figure")
    found.append(
        Condition(
            f"qcheck_{mode_of(row)}",
            t.qcheck_threshold_percent,
            None if figure is None else float(figure),  # type: ignore[arg-type]
            QCHECK_BELOW not in reasons and NO_QCHECKS not in reasons,
        )
    )
    return found


# ---- the task split per level ---------------------------------------------------------


class _Task(Protocol):
    task_id: str
    task_nl: str
    none: object
    individual: object
    client: object
    condition: str | None


TASK_SPLIT_COLUMNS: tuple[str, ...] = ("task_id", "task", "none", "individual", "client", "note")


def task_split(tasks: Iterable[_Task], lang: str) -> pl.DataFrame:
    """Who does each task of a selection under each level (data/reference/
    certification_tasks.csv, `selstats.reference.models.CertificationTask`), one row per
    task in the file's order: the task in `lang` (nl, fr, en), the responsible code per level
    (dgro, organisation, organisation_if_certified, shared) and the note (in English)."""
    rows = [
        (
            task.task_id,
            str(getattr(task, f"task_{lang}", None) or task.task_nl),
            str(getattr(task.none, "value", task.none)),
            str(getattr(task.individual, "value", task.individual)),
            str(getattr(task.client, "value", task.client)),
            task.condition or "",
        )
        for task in tasks
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(TASK_SPLIT_COLUMNS, pl.String), orient="row")


# How many organisations the chart's text alternative names per standing before it counts
# the rest ("en 3 andere").
NAMED_PER_STANDING = 5


def standing_summary(
    statuses: pl.DataFrame,
    standing_labels: Mapping[str, str],
    lang: str,
) -> str:
    """The Q-check chart's text alternative: per standing (in the order of
    `selstats.rules.certification_standing.STANDINGS`), how many organisations and the first
    of them with their figure ("in gevaar: Q-checks onder de lijn (2): FOD Justitie 78,53 %,
    ..."). Organisations without a figure are not on the chart and not here."""
    shown = statuses.filter(pl.col("qcheck_figure").is_not_null())
    groups: dict[str, list[str]] = {}
    for risk, qualifies, reasons, name, figure in shown.select(
        "at_risk", "qualifies_client", "reasons", "org_name", "qcheck_figure"
    ).iter_rows():
        code = standing(bool(risk), bool(qualifies), reasons)
        groups.setdefault(code, []).append(f"{name} {value_text('qcheck_figure', figure, lang)}")
    parts = []
    for code in STANDINGS:
        names = groups.get(code, [])
        if not names:
            continue
        listed = ", ".join(names[:NAMED_PER_STANDING])
        rest = len(names) - NAMED_PER_STANDING
        if rest > 0:
            listed += " " + translate(lang, "certification.standing_more", n=fmt_int(rest, lang))
        parts.append(
            translate(
                lang,
                "certification.standing_count",
                standing=standing_labels[code],
                n=fmt_int(len(names), lang),
                names=listed,
            )
        )
    return translate(
        lang,
        "certification.chart_summary",
        n=fmt_int(shown.height, lang),
        standings="; ".join(parts),
    )


def trend_in_words(
    trend: pl.DataFrame, thresholds: CertificationThresholds, mode: str, lang: str
) -> str:
    """The Q-check trend chart's text alternative: per year its average (as the chart's
    tooltip writes it), how many Q-checks of how many consultants, and whether it reaches
    the line ("2025 40,00 % (1 Q-check, 1 consultant; onder 80 %)"). `trend`: the rows of
    queries/qchecks_trend.sql; `mode`: the averaging mode in words. A count hidden by
    small-cell suppression ("<5") is written as it is. Whether a year reaches the line is
    the rule's own verdict (`meets_qcheck`)."""
    threshold = thresholds.qcheck_threshold_percent
    places = 0 if float(threshold).is_integer() else 2
    line = translate(lang, "certification.percent", value=fmt_num(threshold, lang, places))
    years = []
    for row in trend.iter_rows(named=True):
        average = row["qcheck_year_average"]
        if average is None:
            side = UNKNOWN
        else:
            side = translate(
                lang,
                "certification.trend_words_above"
                if meets_qcheck(average, thresholds)
                else "certification.trend_words_below",
                line=line,
            )
        years.append(
            translate(
                lang,
                "certification.trend_words_year",
                year=str(row["check_year"]),
                average=value_text("qcheck_year_average", average, lang),
                checks=count_text(row["qchecks_in_year"], lang),
                consultants=count_text(row["consultants_in_year"], lang),
                side=side,
            )
        )
    return translate(lang, "certification.trend_words", mode=mode, years="; ".join(years))
