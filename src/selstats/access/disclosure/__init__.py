"""Disclosure control for analyst figures: small counts stay hidden even to someone who
subtracts. `protect` (in `protection`) is the entry point; the modules, by the rule each
holds, are listed at the end.

Small-cell suppression (`selstats.access.suppression`) hides each count below the
threshold t ($SELSTATS_MIN_CELL, default 5) as "<5". On its own that is undone by
arithmetic: failed = sat - met_mark in a row, a total minus its other parts, the Overview
of a year minus the same with one organisation left out. This package protects the figures
of a query the way statistical offices protect the tables they publish (tau-Argus, sdcTable:
primary suppression, then complementary "secondary" suppression, then an audit), and the
way an interactive table builder protects against differencing of filters (a filter whose
complement within the user's scope is small is not answered exactly).

What an attacker knows about a table, and so what is protected:

- **Relations within a row**, declared once per figure in the catalogue (`sum_of`, e.g.
  `sat = passed + failed + cut_off`), and every relation they imply by substitution
  (`sat = met_mark + failed`; `row_sums.row_sums`).
- **Relations across rows** of one query: its grouping hierarchy (`shapes.Grouping`, e.g.
  the `grouping` column of `pass_rates_by_group`: 'all' = the sum of the 'kind' rows = the
  sum of the 'year' rows ...; each aggregate = the sum of the steps in it, through the cells
  of the finest cross-classification, organisation x year x kind, the "atoms", which no row
  shows but which a filter could).
- **Relations across queries** (`shapes.Link`): a total query is the sum of a detail query
  under the same filter (`overview_totals` of the `overview` years, `funnel_aggregate` of
  the per-procedure `funnel` rows, ...). The detail is protected first, on its own, and is
  fixed when its total is protected, so that each query shows the same cells whichever asks.
- **Other filters** (`complement.FILTER_DIMENSIONS`): for each sidebar filter the user has
  set, the same query with that filter opened ("every organisation" instead of "all but
  X"); where a row of it, as the user would see it, differs from the user's row by 1 to t-1
  people, subtracting would give those people away, so the user's cell is hidden (and
  protected as if it were small).

Cells and their states (`table.State`): shown; SMALL (0 <= count < t, shown as "<5");
SECONDARY (hidden so that a small one cannot be worked out, shown as "x"); COMPLEMENT
(hidden because of a small complement, "x"). A hidden cell is *protected* when its exact
value must not follow from what is shown: a count of 1 to t-1 (SMALL), a COMPLEMENT cell.
Zero is hidden as "<5" too, but a derived zero discloses no one: zeros are often structural
(no cut-off without a top-N), and protecting them would hide most of every table.

The method (`secondary.System.solve`), run on each table:

1. Unit rows (one procedure and step, one procedure, one list, one organisation: a row that
   no other row of the query sums) are protected on their own first, by their row's
   relations only, over the canonical set of columns (a funnel row is extended with the
   sat, met_mark and no_shows that `pass_rates_by_group` shows for the same step), so that
   the same step is hidden alike in every query that shows it. They are then fixed.
2. Every other cell may be hidden as secondary. Repeat until nothing protected is exposed:
   solve every relation that has one unknown, as often as that gives new values
   ("peeling": what an attacker who subtracts does); then tighten the bounds an attacker
   knows (a "<5" lies in 0..t-1; an "x" may be any count, since a "<5" that would narrow
   another is shown as "x" too) through the relations (what an attacker who reasons about
   ranges does). Each protected cell that is exposed
   gets one more hidden cell in a relation that exposed it: the shown cell (allowed to be
   hidden) in most of those relations, the smallest first (tau-Argus' "smallest cost").
3. A protected cell that no allowed cell can cover (a COMPLEMENT cell that a filter's own
   shown parts add up to) makes the whole result refused: every count hidden.

Known limits (documented in the README): only the declared relations are known to the
protection (two queries that show one total under different names, other combinations of
filters than one opened at a time - "trackers" -, and linear combinations beyond peeling
and interval bounds are not audited); a value can be narrowed to a short range (2..4) without
being exact.

Pure functions of frames: the caller (`selstats.ui.db.cached_query`) hands `protect` a
`fetch` that runs a query under given parameters in the user's scope (cached).

Where each rule lives, in the order `protect` uses them:

- `protection`: one query from start to end (`protect`) and its result (`Protection`).
- `shapes`: which queries' rows sum over procedures, by a grouping or as linked totals.
- `row_sums`: the relations within a row, from the catalogue's `sum_of`.
- `complement`: the filters opened one at a time, and the cells a small complement hides.
- `unit_rows`: which rows are units, and step 1, each unit row protected on its own.
- `table`: a cell's states, and a table as the protection sees it.
- `relations`: a table's cells and relations placed in a system (rows, grouping, links).
- `secondary`: the system and step 2, the hiding loop (`System.solve`).
- `inference`: what an attacker works out (peeling, ranges).
- `graph`: the relations indexed, and the rule for which cell to hide next (`covers`).
- `presentation`: the frame the user sees: "<5", "x", rates and exact detail null.
- `arrays`: the numpy types, a frame's counts as a matrix, rows two frames share.
"""

from selstats.access.disclosure.protection import Protection, protect

__all__ = ["Protection", "protect"]
