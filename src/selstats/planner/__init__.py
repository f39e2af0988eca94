"""The recruitment planner: from the store's history of comparable steps, how many
applicants a planned selection needs to fill its places with 50 / 80 / 95 % confidence,
how many laureates a number of applicants gives (with an 80 % interval), and how long from
deadline to list. Pure (polars and numpy; no store, no Streamlit):

| module | job |
|---|---|
| `history` | the comparable past steps and procedures of a plan, widening when too few |
| `counts` | the number left after each step, exactly, for given step rates |
| `forecast` | the plan's figures, over the spread of past procedures (seeded bootstrap) |
| `backtest` | each procedure of a year predicted from the years before: interval coverage |

`pages/planner.py` and `selstats plan` read the history with `queries/planner_steps.sql`
and `queries/planner_procedures.sql` and show a `Forecast`.
"""

from selstats.planner.forecast import (
    CONFIDENCES,
    Forecast,
    Plan,
    PlanError,
    PlannedStep,
    forecast,
    parse_steps,
)

__all__ = [
    "CONFIDENCES",
    "Forecast",
    "Plan",
    "PlanError",
    "PlannedStep",
    "forecast",
    "parse_steps",
]
