-- selstats store, schema version 2: summaries the pages read instead of recomputing them.
--
-- The funnel and the pass rates of a year's procedures joined steps, step_states,
-- procedure_stats, procedures and organisations on every rerun, and the reserve-list view
-- added up every laureate of every list on every read: at the L demo scale that was most of
-- those pages' time. `step_facts` and `list_states` are those results kept by the writer
-- (rebuilt in the transaction of every write from summaries.sql, see
-- `selstats.store.writer.write_store`).

-- derived: one row per step of every procedure, with the step's rule, its state and outcome
-- counts (step_states; a step without one is 'pending' with zero counts) and the procedure's
-- scope columns and applicants (procedure_stats; null without results).
create table if not exists step_facts (
    procedure_code varchar not null,
    step_no integer not null,
    step_name varchar not null,
    kind varchar not null,
    max_score double,
    pass_mark double,
    pass_unit varchar,
    top_n integer,
    rank_by_step integer,
    held_if_more_than integer,
    total_of_steps varchar,
    total_pass_percent double,
    eliminating boolean not null,
    state varchar not null,
    reached integer not null,
    passed integer not null,
    failed integer not null,
    absent integer not null,
    withdrawn integer not null,
    not_registered integer not null,
    cut_off integer not null,
    applicants integer,
    org_id varchar not null,
    org_name varchar not null,
    government varchar not null,
    level varchar,
    year integer
);

-- The scope macros (in_scope, and scoped_step_facts over the table above) are defined in
-- ../scope.sql, applied after every migration.

-- derived: each list as the reserve-list figures see it (a view in version 1): its own last
-- day (valid_until), the latest extension of one of its laureates when that is later
-- (extended_until), the last day any of its laureates can still be used (valid_through, the
-- later of the two; null while the list is open), and what became of its laureates.
drop view if exists list_states;

create table if not exists list_states (
    procedure_code varchar not null,
    list_date date,
    validity_months integer,
    valid_until date,
    ranked boolean not null,
    size integer not null,
    extended_until date,
    valid_through date,
    available integer not null,
    hired integer not null,
    declined integer not null,
    withdrawn integer not null
);
