"""Deployment settings, read from the environment so that one checkout can serve several
deployments. Every setting that changes a figure is shown in the UI next to that figure."""

from __future__ import annotations

import os

from selstats.domain.enums import QcheckMode


def qcheck_mode() -> QcheckMode:
    """How the 80 % Q-check average is computed (SELSTATS_QCHECK_MODE); the default is the
    literal reading of the BOSA text: the mean of all Q-checks."""
    value = os.environ.get("SELSTATS_QCHECK_MODE", QcheckMode.ALL_CHECKS.value)
    try:
        return QcheckMode(value)
    except ValueError:
        return QcheckMode.ALL_CHECKS
