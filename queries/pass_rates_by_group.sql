-- Pass rates of the held steps of the procedures in the filter, at several groupings at once
-- (column `grouping`): per step ('step'), per kind of step ('kind'), per year and kind
-- ('year_kind'), per year ('year'), per organisation and kind ('organisation_kind'), per
-- organisation ('organisation') and over everything ('all').
--
-- THE definition, the only one in the project:
--   pass rate    = met the pass mark among those who sat the step
--                = (passed + cut_off) / (passed + failed + cut_off)
--                  (cut_off met the mark but fell outside a top-N; absent, withdrawn and
--                  not registered did not sit the step and are not in the denominator)
--   no-show rate = (absent + not_registered) / reached
-- Both are null when their denominator is 0. Counts come from step_facts (the rules engine's
-- step_states joined with the steps and procedures by the writer); steps not held or still
-- pending are left out. The year is the procedure's (view procedure_scope); null for a
-- permanently open one.
with held_steps as (
    select *
    from scoped_step_facts(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
    where state = 'held'
),

-- A step of a procedure is one row of step_facts already: only the coarser groupings add up.
counts as (
    select
        'step' as grouping,
        procedure_code,
        step_no,
        step_name,
        kind,
        year,
        org_id,
        org_name,
        level,
        max_score,
        pass_mark,
        pass_unit,
        top_n,
        1 as held_steps,
        reached,
        passed,
        cut_off,
        failed,
        absent,
        withdrawn,
        not_registered
    from held_steps

    union all

    select
        g.grouping,
        null as procedure_code,
        null as step_no,
        null as step_name,
        case when g.by_kind then held_steps.kind end as kind,
        case when g.by_year then held_steps.year end as year,
        case when g.by_org then held_steps.org_id end as org_id,
        case when g.by_org then any_value(held_steps.org_name) end as org_name,
        null as level,
        null as max_score,
        null as pass_mark,
        null as pass_unit,
        null as top_n,
        count(*) as held_steps,
        sum(held_steps.reached) as reached,
        sum(held_steps.passed) as passed,
        sum(held_steps.cut_off) as cut_off,
        sum(held_steps.failed) as failed,
        sum(held_steps.absent) as absent,
        sum(held_steps.withdrawn) as withdrawn,
        sum(held_steps.not_registered) as not_registered
    -- each step once per coarser grouping, its keys kept by what the grouping is by: one
    -- aggregation instead of one per grouping (each has a fixed cost that dominates here)
    from held_steps
    cross join (
        values
            ('kind', true, false, false),
            ('year_kind', true, true, false),
            ('year', false, true, false),
            ('organisation_kind', true, false, true),
            ('organisation', false, false, true),
            ('all', false, false, false)
    ) as g (grouping, by_kind, by_year, by_org)
    group by
        g.grouping, g.by_kind, g.by_year, g.by_org,
        case when g.by_kind then held_steps.kind end,
        case when g.by_year then held_steps.year end,
        case when g.by_org then held_steps.org_id end
),

rates as (
    select
        counts.*,
        counts.passed + counts.cut_off as met_mark,
        counts.passed + counts.failed + counts.cut_off as sat,
        counts.absent + counts.not_registered as no_shows,
        (counts.passed + counts.cut_off)
        / nullif(counts.passed + counts.failed + counts.cut_off, 0) as pass_rate,
        (counts.absent + counts.not_registered) / nullif(counts.reached, 0) as no_show_rate
    from counts
)

select
    grouping,
    procedure_code,
    step_no,
    step_name,
    kind,
    cast(year as integer) as year,
    org_id,
    org_name,
    level,
    cast(held_steps as integer) as held_steps,
    cast(reached as integer) as reached,
    cast(sat as integer) as sat,
    cast(met_mark as integer) as met_mark,
    cast(passed as integer) as passed,
    cast(cut_off as integer) as cut_off,
    cast(failed as integer) as failed,
    cast(absent as integer) as absent,
    cast(withdrawn as integer) as withdrawn,
    cast(not_registered as integer) as not_registered,
    cast(no_shows as integer) as no_shows,
    pass_rate::double as pass_rate,
    no_show_rate::double as no_show_rate,
    max_score,
    pass_mark,
    pass_unit,
    top_n
from rates
order by grouping, year desc nulls last, org_name, procedure_code, step_no, kind
