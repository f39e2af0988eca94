-- The recruitment planner's history of procedures (selstats.planner): one row per finished
-- procedure in scope (an application deadline, a list date, no step still waiting for
-- results), with its applicants and laureates, its list maximum, and its lead time:
-- the days from the application deadline to the list date.
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

pending as (
    select distinct procedure_code
    from step_facts
    where state = 'pending'
)

select
    scope.procedure_code,
    scope.year,
    scope.government,
    scope.diploma_level,
    ps.applicants,
    ps.laureates,
    scope.list_max,
    scope.list_date - scope.application_deadline as lead_days
from scope
inner join procedure_stats as ps using (procedure_code)
where scope.application_deadline is not null
    and scope.list_date is not null
    and scope.procedure_code not in (select procedure_code from pending)
order by scope.year, scope.procedure_code
