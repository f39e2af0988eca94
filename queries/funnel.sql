-- The recruitment funnel: one row per procedure and step, with who reached the step and
-- exactly one outcome for each of them:
-- reached = passed + failed + absent + withdrawn + not_registered + cut_off.
-- A step that was not held (conditional, too few candidates left) shows held = false and
-- state 'not_held'; a step without results yet shows state 'pending'.
-- After the contract columns: the step's state and rule (kind, pass mark, top-N,
-- conditional head count, total rule), then the conversion figures of held steps:
-- pass_rate = passed / reached of this step, share_reached = reached / applicants and
-- conversion = passed / applicants, applicants being the candidates at the first step.
-- suppress: counts=reached,passed,failed,absent,withdrawn,not_registered,cut_off,applicants
-- suppress: rates=pass_rate(passed,reached),share_reached(reached,applicants)
-- suppress: rates=conversion(passed,applicants)
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
        st.top_n,
        st.rank_by_step,
        st.held_if_more_than,
        st.total_of_steps,
        st.total_pass_percent,
        st.eliminating
    from scope
    inner join steps as st using (procedure_code)
    left join step_states as ss using (procedure_code, step_no)
),

conversion as (
    select
        funnel.procedure_code,
        funnel.step_no,
        ps.applicants,
        case when funnel.state = 'held' then funnel.passed / nullif(funnel.reached, 0) end
            as pass_rate,
        case when funnel.state = 'held' then funnel.reached / nullif(ps.applicants, 0) end
            as share_reached,
        case when funnel.state = 'held' then funnel.passed / nullif(ps.applicants, 0) end
            as conversion
    from funnel
    left join procedure_stats as ps using (procedure_code)
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
    scope.year,
    funnel.rank_by_step,
    funnel.held_if_more_than,
    funnel.total_of_steps,
    funnel.total_pass_percent,
    funnel.eliminating,
    conversion.applicants,
    conversion.pass_rate,
    conversion.share_reached,
    conversion.conversion
from funnel
inner join scope using (procedure_code)
inner join conversion using (procedure_code, step_no)
order by funnel.procedure_code, funnel.step_no
