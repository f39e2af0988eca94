"""Brings the reference data of data/reference/ into a store.

Scales, coefficients, rounding rules, diploma levels and national figures are the shipped
files' to decide: they are replaced on every import. The four reference procedures are only
added when missing, so that results can be imported for them directly while a user's own
changes to them are kept.
"""

from __future__ import annotations

from selstats.reference import Reference, load_reference
from selstats.store.writer import KEYS, StoreWriter

REPLACED = (
    "salary_scales",
    "salary_postings",
    "index_coefficients",
    "salary_rounding",
    "diploma_levels",
    "national_figures",
)
ADDED_WHEN_MISSING = ("organisations", "procedures", "steps")


def sync_reference(writer: StoreWriter, reference: Reference | None = None) -> None:
    frames = (reference or load_reference()).frames()
    for table in REPLACED:
        writer.replace_table(table, frames[table])
    for table in ADDED_WHEN_MISSING:
        key = list(KEYS[table])
        stored = writer.con.sql(f"select {', '.join(key)} from {table}").pl()
        missing = frames[table].join(stored, on=key, how="anti") if stored.height else frames[table]
        writer.append(table, missing)


def reference_procedure_codes(reference: Reference | None = None) -> list[str]:
    frame = (reference or load_reference()).frames()["procedures"]
    return frame.get_column("procedure_code").to_list()


__all__ = ["reference_procedure_codes", "sync_reference"]
