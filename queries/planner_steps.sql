-- The recruitment planner's history of steps (selstats.planner): one row per held step of
-- every finished procedure in scope, with the kind of step, the procedure's diploma level
-- and government, and who reached the step and who met its mark there.
-- qualified = passed + cut_off: those who met the step's mark, whether they went on or fell
-- outside a top-N or the list maximum, so that a cut made in the past does not lower the
-- rate a plan with cuts of its own starts from; qualified / reached is the step's rate
-- (absent, withdrawn and not registered count as not qualified: they did not go on).
-- Finished: an application deadline, a list date, and no step still waiting for results.
-- Steps not held (conditional, too few candidates left) are left out.
with steps as (
    select *
    from scoped_step_facts(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

finished as (
    select steps.procedure_code
    from steps
    inner join procedures as p using (procedure_code)
    where p.application_deadline is not null and p.list_date is not null
    group by steps.procedure_code
    having count(*) filter (where steps.state = 'pending') = 0
)

select
    steps.procedure_code,
    steps.year,
    steps.government,
    steps.diploma_level,
    steps.step_no,
    steps.kind,
    steps.top_n,
    steps.reached,
    steps.passed + steps.cut_off as qualified
from steps
inner join finished using (procedure_code)
where steps.state = 'held'
order by steps.year, steps.procedure_code, steps.step_no
