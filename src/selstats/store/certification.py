"""Keeps the derived `certification_status` table in step with organisations, consultants
and Q-checks: the status and the advisor's figures (gaps to the next level, fragile roles,
Q-check outlook), both averaging modes, so that the dashboard's switch and the export only
choose and read."""

from __future__ import annotations

import logging

import polars as pl

from selstats.domain.enums import QcheckMode
from selstats.reference import load_reference
from selstats.rules.certification import CertificationThresholds, certification_table
from selstats.rules.certification_advice import advice_table
from selstats.store.writer import StoreWriter

log = logging.getLogger(__name__)


def certification_frames(
    organisations: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    thresholds: CertificationThresholds,
) -> pl.DataFrame:
    """The rows of `certification_status`: status and advice, once per averaging mode."""
    frames = []
    for mode in QcheckMode:
        status = certification_table(organisations, consultants, qchecks, mode, thresholds)
        advice = advice_table(organisations, consultants, qchecks, mode, thresholds, status)
        frames.append(status.join(advice, on="org_id", how="left"))
    return pl.concat(frames, how="vertical").rename({"qcheck_mode": "mode"})


def rederive_certification(writer: StoreWriter) -> pl.DataFrame:
    thresholds = load_reference().thresholds
    organisations = writer.con.sql("select * from organisations").pl()
    consultants = writer.con.sql("select * from consultants").pl()
    qchecks = writer.con.sql("select * from qchecks").pl()
    status = certification_frames(organisations, consultants, qchecks, thresholds)
    writer.replace_table("certification_status", status)
    log.info("certification status of %d organisations derived", organisations.height)
    return status
