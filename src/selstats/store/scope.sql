-- The scope of every query: the sidebar filter AND the caller's access scope, defined once.
--
-- `in_scope` is the one predicate, over a row's scope columns; every `scoped_*` table macro
-- below is a table filtered by it and nothing else (tests/store/test_scope_macros.py checks
-- that). Applied by `selstats.store.migrations.migrate` on every write, after the
-- migrations, so a store always has the macros of the code that last wrote it.
--
-- Parameters (named as the queries' $parameters, see src/selstats/ui/filters.py):
--   year_from, year_to  a procedure's year within the period, both inclusive; null = open.
--                       A procedure without a year (permanently open, no list yet) is in
--                       every period.
--   govs, orgs          the organisation's government / id in the list; empty = all
--   levels              the procedure's DIPLOMA level (A, B, C, D) in the list; empty = all.
--                       A procedure whose level no rule maps has none and is left out when
--                       the filter is set.
--   procs               the procedure's code in the list; empty = all
--   allowed             the organisations the user may see; null = every organisation, a list
--                       (empty included) only those.

create or replace macro in_scope(
    year, government, org_id, diploma_level, procedure_code,
    year_from, year_to, govs, orgs, levels, procs, allowed
) as
    (year is null or year_from is null or year >= year_from)
    and (year is null or year_to is null or year <= year_to)
    and (len(govs) = 0 or list_contains(govs, government))
    and (len(orgs) = 0 or list_contains(orgs, org_id))
    and (len(levels) = 0 or list_contains(levels, diploma_level))
    and (len(procs) = 0 or list_contains(procs, procedure_code))
    and (allowed is null or list_contains(allowed, org_id));

-- The procedures a query may see: procedures.* with org_name, government, year and
-- diploma_level (the view procedure_scope).
create or replace macro scoped_procedures(year_from, year_to, govs, orgs, levels, procs, allowed) as table
select *
from procedure_scope
where in_scope(
    year, government, org_id, diploma_level, procedure_code,
    year_from, year_to, govs, orgs, levels, procs, allowed
);

-- The step facts (summaries.sql) of the procedures a query may see.
create or replace macro scoped_step_facts(year_from, year_to, govs, orgs, levels, procs, allowed) as table
select *
from step_facts
where in_scope(
    year, government, org_id, diploma_level, procedure_code,
    year_from, year_to, govs, orgs, levels, procs, allowed
);

-- The organisations a query may see: an organisation has no year, level or procedure, so
-- those parts of the predicate hold for every one of them.
create or replace macro scoped_organisations(govs, orgs, allowed) as table
select *
from organisations
where in_scope(
    null::integer, government, org_id, null::varchar, null::varchar,
    null::integer, null::integer, govs, orgs, []::varchar[], []::varchar[], allowed
);
