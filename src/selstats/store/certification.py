"""Keeps the derived `certification_status` table in step with organisations, consultants
and Q-checks: both averaging modes are written, so the dashboard's switch only chooses."""

from __future__ import annotations

import polars as pl

from selstats.domain.enums import QcheckMode
from selstats.reference import load_reference
from selstats.rules.certification import certification_table
from selstats.store.writer import StoreWriter


def rederive_certification(writer: StoreWriter) -> pl.DataFrame:
    thresholds = load_reference().thresholds
    organisations = writer.con.sql("select * from organisations").pl()
    consultants = writer.con.sql("select * from consultants").pl()
    qchecks = writer.con.sql("select * from qchecks").pl()
    frames = [
        certification_table(organisations, consultants, qchecks, mode, thresholds)
        for mode in QcheckMode
    ]
    status = pl.concat(frames, how="diagonal_relaxed").rename({"qcheck_mode": "mode"})
    writer.replace_table("certification_status", status)
    return status
