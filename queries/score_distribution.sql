-- The score distribution of ONE step ($procedure_code, $step_no) of a procedure in the
-- filter: how many candidates scored in each bin, per outcome, binned here. Results are
-- read for that procedure and step only; results without a score (absent, pass/fail) are
-- left out. A bin runs from bin_start (included) to bin_end (excluded); its width is 1 point
-- for a maximum of at most 25, else the maximum / 20 rounded up (5 points for a test on 100).
with scope as (
    select procedure_code
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

scored as (
    select
        r.score,
        r.outcome
    from results as r
    where
        r.procedure_code = $procedure_code::varchar
        and r.step_no = $step_no::integer
        and r.score is not null
        and r.procedure_code in (select scope.procedure_code from scope)
),

step as (
    select
        case
            when coalesce(st.max_score, (select max(scored.score) from scored)) <= 25 then 1
            else ceil(coalesce(st.max_score, (select max(scored.score) from scored)) / 20)
        end as bin_width
    from steps as st
    where st.procedure_code = $procedure_code::varchar and st.step_no = $step_no::integer
),

binned as (
    select
        floor(scored.score / step.bin_width) * step.bin_width as bin_start,
        step.bin_width,
        scored.outcome
    from scored
    cross join step
)

select
    bin_start::double as bin_start,
    (bin_start + bin_width)::double as bin_end,
    outcome,
    count(*)::integer as candidates
from binned
group by bin_start, bin_width, outcome
order by bin_start, outcome
