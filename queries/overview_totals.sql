-- The overview's key figures for the current filter as a whole.
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
)

select
    count(*) as procedures,
    coalesce(sum(ps.applicants), 0) as applicants,
    coalesce(sum(ps.tested), 0) as tested,
    coalesce(sum(ps.laureates), 0) as laureates,
    sum(ps.laureates) / nullif(sum(ps.applicants), 0) as laureates_per_applicant,
    median(scope.list_date - scope.application_deadline) as median_lead_days
from scope
inner join procedure_stats as ps using (procedure_code)
