"""What the two certification pages share: the averaging-mode switch and the reference date
(both in the URL: `mode`, `as_of`), the query parameters they give, numbers written as the
pages write them, and a table with its download.

- pages/certification.py (`/certification`): monitoring, every organisation in the filter.
- pages/certification_organisation.py (`/certification_organisation?org=...`): one
  organisation in detail (`without` names a consultant for the what-if).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl
import streamlit as st

from selstats.domain.enums import Certification, QcheckMode
from selstats.figures import Catalogue, catalogue
from selstats.i18n.format import fmt_int, fmt_num
from selstats.reference import load_reference
from selstats.rules.certification import REVIEW_HORIZON_DAYS, CertificationThresholds
from selstats.settings import settings
from selstats.ui.filters import Filters
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import date_format, show_table
from selstats.ui.url_choice import UrlChoice

MODES: Final = tuple(m.value for m in QcheckMode)
MONITORING_PAGE: Final = "pages/certification.py"
DETAIL_PAGE: Final = "pages/certification_organisation.py"


@dataclass(frozen=True)
class CertificationView:
    """The choices of this run: the averaging `mode` (and its words), the reference date,
    and what every certification query gets (`params`)."""

    filters: Filters
    lang: str
    mode: str
    mode_label: str  # "gemiddelde van alle Q-checks"
    as_of: date
    figures: Catalogue
    thresholds: CertificationThresholds

    @property
    def params(self) -> dict[str, object]:
        return {
            **self.filters.params(),
            "mode": self.mode,
            "as_of": self.as_of,
            "review_horizon_days": REVIEW_HORIZON_DAYS,
        }

    @property
    def figure_label(self) -> str:
        """The Q-check figure's label, naming the mode: "Q-checkcijfer (per consultant)"."""
        return f"{self.figures.label('qcheck_figure', self.lang)} ({self.mode_label})"

    @property
    def levels(self) -> dict[str, str]:
        return {c.value: t(f"certification.{c.value}") for c in Certification}

    def number(self, value: object) -> str:
        """A count, or a percentage with as many decimals as it needs, up to 2 (80, 77,5,
        81,25)."""
        if not isinstance(value, float):
            return fmt_int(value, self.lang)
        places = next(d for d in (0, 1, 2) if round(value, d) == round(value, 2))
        return fmt_num(value, self.lang, places)

    def percent(self, value: object) -> str:
        if value is None:
            return t("certification.unknown")
        return t("certification.percent", value=self.number(value))

    def table(self, frame: pl.DataFrame, columns: list[str], name: str) -> None:
        """`frame`'s `columns` as a table (labels, formats and definitions from the figure
        catalogue), and the same table for download."""
        detail = {**self.filters.params(), "mode": self.mode}
        show_table(frame.select(columns), key=name, download=name, detail=detail)


def controls(filters: Filters) -> CertificationView:
    """The averaging-mode switch and the reference date, drawn at the top of the page."""
    lang = current_lang()
    default = settings().qcheck_mode.value
    left, right = st.columns([3, 1])
    mode_choice = UrlChoice(key="cert_mode", param="mode")
    mode_choice.seed(list(MODES), default=[default])
    mode = left.radio(
        t("certification.mode_label"),
        MODES,
        format_func=lambda m: t(f"certification.mode.{m}"),
        horizontal=True,
        key=mode_choice.key,
        help=t("certification.mode_help"),
    )
    mode_choice.keep([mode], default=[default])
    as_of = right.date_input(
        t("certification.as_of"),
        value="today",
        key="as_of",
        bind="query-params",
        format=date_format(lang),
        help=t("certification.as_of_help"),
    )
    label = t(f"certification.mode.{mode}")
    left.caption(
        t("certification.mode_caption", default=t(f"certification.mode.{default}"), mode=label)
    )
    return CertificationView(
        filters=filters,
        lang=lang,
        mode=str(mode),
        mode_label=label,
        as_of=as_of if isinstance(as_of, date) else date.today(),
        figures=catalogue(),
        thresholds=load_reference().thresholds,
    )
