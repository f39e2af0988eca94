"""The reference data shipped in data/reference/: organisations and procedures of the source
documents, salary scales, index coefficients, national figures and the certification rules."""

from selstats.reference.loader import (
    Reference,
    ReferenceDataError,
    ReferenceError,
    check_reference,
    load_reference,
)
from selstats.reference.models import CertificationTask, NationalFigures, Responsible, TaskArea

__all__ = [
    "CertificationTask",
    "NationalFigures",
    "Reference",
    "ReferenceDataError",
    "ReferenceError",
    "Responsible",
    "TaskArea",
    "check_reference",
    "load_reference",
]
