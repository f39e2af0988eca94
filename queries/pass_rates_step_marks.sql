-- What to draw on the score distribution of ONE step ($procedure_code, $step_no) of a
-- procedure in the filter; one row, none when the step is not in the filter.
--   pass_points: the pass mark in points (a mark in percent is pass_mark / 100 x max_score).
--   cut_score:   where a top-N ranks on this step's scores (this step's own top_n, or a later
--                step whose rank_by_step is this step), the lowest score on this step among
--                those who passed the top-N step: the score of the N-th place, ties
--                included. Null unless someone was actually cut off there (cut_off > 0).
--   cut_off:     how many met the mark but fell outside that top-N; scored: scores at this step.
with scope as (
    select procedure_code
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

step as (
    select st.*
    from steps as st
    where
        st.procedure_code = $procedure_code::varchar
        and st.step_no = $step_no::integer
        and st.procedure_code in (select scope.procedure_code from scope)
),

-- the first step whose top-N ranks on this step's scores
top_n_step as (
    select
        t.procedure_code,
        min(t.step_no) as top_n_step_no
    from steps as t
    inner join step on t.procedure_code = step.procedure_code
    where t.top_n is not null and coalesce(t.rank_by_step, t.step_no) = step.step_no
    group by t.procedure_code
),

top_n_passers as (
    select r.candidate_ref
    from results as r
    inner join top_n_step as tn
        on r.procedure_code = tn.procedure_code and r.step_no = tn.top_n_step_no
    where r.outcome = 'passed'
),

scores as (
    select
        r.candidate_ref,
        r.score
    from results as r
    where
        r.procedure_code = $procedure_code::varchar
        and r.step_no = $step_no::integer
        and r.score is not null
),

cut as (
    select min(scores.score) as lowest_passing_score
    from scores
    where scores.candidate_ref in (select tnp.candidate_ref from top_n_passers as tnp)
)

select
    step.procedure_code,
    step.step_no,
    step.name as step_name,
    step.kind,
    step.max_score,
    step.pass_mark,
    step.pass_unit,
    case
        when step.pass_unit = 'percent' then step.pass_mark / 100 * step.max_score
        else step.pass_mark
    end as pass_points,
    tn_step.top_n,
    tn.top_n_step_no,
    coalesce(ss.cut_off, 0) as cut_off,
    case when ss.cut_off > 0 then cut.lowest_passing_score end as cut_score,
    step.total_of_steps,
    step.total_pass_percent,
    (select count(*) from scores)::integer as scored
from step
left join top_n_step as tn on step.procedure_code = tn.procedure_code
left join steps as tn_step
    on tn.procedure_code = tn_step.procedure_code and tn.top_n_step_no = tn_step.step_no
left join step_states as ss
    on tn.procedure_code = ss.procedure_code and tn.top_n_step_no = ss.step_no
cross join cut
