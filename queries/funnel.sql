-- The recruitment funnel: one row per procedure and step, with who reached the step and
-- exactly one outcome for each of them:
-- reached = passed + failed + absent + withdrawn + not_registered + cut_off.
-- A step that was not held (conditional, too few candidates left) shows held = false.
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

funnel as (
    select
        st.procedure_code,
        st.step_no,
        st.name as step_name,
        coalesce(ss.state, 'pending') as state,
        coalesce(ss.reached, 0) as reached,
        coalesce(ss.passed, 0) as passed,
        coalesce(ss.failed, 0) as failed,
        coalesce(ss.absent, 0) as absent,
        coalesce(ss.withdrawn, 0) as withdrawn,
        coalesce(ss.not_registered, 0) as not_registered,
        coalesce(ss.cut_off, 0) as cut_off,
        st.kind,
        st.max_score,
        st.pass_mark,
        st.pass_unit,
        st.top_n
    from scope
    inner join steps as st using (procedure_code)
    left join step_states as ss using (procedure_code, step_no)
)

select
    funnel.procedure_code,
    funnel.step_no,
    funnel.step_name,
    funnel.state = 'held' as held,
    funnel.reached,
    funnel.passed,
    funnel.failed,
    funnel.absent,
    funnel.withdrawn,
    funnel.not_registered,
    funnel.cut_off,
    funnel.state,
    funnel.kind,
    funnel.max_score,
    funnel.pass_mark,
    funnel.pass_unit,
    funnel.top_n,
    scope.org_id,
    scope.level,
    scope.year
from funnel
inner join scope using (procedure_code)
order by funnel.procedure_code, funnel.step_no
