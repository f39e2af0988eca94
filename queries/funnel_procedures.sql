-- The procedures the funnel page offers: those in the filter that have steps, with their
-- organisation, step count, head counts and laureates per applicant (null without
-- results). Finished procedures (with a list date) come first, then those with results,
-- newest first, so that the first row is a sensible default: a complete funnel.
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

step_counts as (
    select
        procedure_code,
        count(*) as steps
    from steps
    where procedure_code in (select scope.procedure_code from scope)
    group by procedure_code
)

select
    scope.procedure_code,
    scope.title,
    scope.org_id,
    scope.org_name,
    scope.level,
    cast(scope.year as integer) as year,
    step_counts.steps,
    ps.applicants,
    ps.laureates,
    ps.laureates / nullif(ps.applicants, 0) as laureates_per_applicant
from scope
inner join step_counts using (procedure_code)
left join procedure_stats as ps using (procedure_code)
order by
    scope.list_date is null or ps.applicants is null,
    ps.applicants is null,
    scope.year desc nulls last,
    scope.procedure_code
