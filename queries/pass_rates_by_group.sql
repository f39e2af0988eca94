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
-- Both are null when their denominator is 0. Counts come from step_states (one row per
-- procedure and step, written by the rules engine); steps not held or still pending are left
-- out. The year is the procedure's (view procedure_scope); null for a permanently open one.
-- suppress: counts=reached,sat,met_mark,passed,cut_off,failed,absent,withdrawn
-- suppress: counts=not_registered,no_shows
-- suppress: rates=pass_rate(sat,met_mark),no_show_rate(reached,no_shows)
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

held_steps as (
    select
        ss.procedure_code,
        ss.step_no,
        st.name as step_name,
        st.kind,
        st.max_score,
        st.pass_mark,
        st.pass_unit,
        st.top_n,
        scope.org_id,
        scope.org_name,
        scope.level,
        scope.year,
        ss.reached,
        ss.passed,
        ss.failed,
        ss.absent,
        ss.withdrawn,
        ss.not_registered,
        ss.cut_off
    from step_states as ss
    inner join steps as st using (procedure_code, step_no)
    inner join scope using (procedure_code)
    where ss.state = 'held'
),

counts as (
    select
        case
            when grouping(procedure_code) = 0 then 'step'
            when grouping(kind) = 0 and grouping(year) = 0 then 'year_kind'
            when grouping(kind) = 0 and grouping(org_id) = 0 then 'organisation_kind'
            when grouping(kind) = 0 then 'kind'
            when grouping(year) = 0 then 'year'
            when grouping(org_id) = 0 then 'organisation'
            else 'all'
        end as grouping,
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
        count(*) as steps,
        sum(reached) as reached,
        sum(passed) as passed,
        sum(cut_off) as cut_off,
        sum(failed) as failed,
        sum(absent) as absent,
        sum(withdrawn) as withdrawn,
        sum(not_registered) as not_registered
    from held_steps
    group by grouping sets (
        (
            procedure_code, step_no, step_name, kind, year, org_id, org_name, level,
            max_score, pass_mark, pass_unit, top_n
        ),
        (kind),
        (year, kind),
        (year),
        (org_id, org_name, kind),
        (org_id, org_name),
        ()
    )
    having count(*) > 0  -- no held step in the filter: no rows, not an empty total
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
    cast(steps as integer) as steps,
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
