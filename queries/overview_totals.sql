-- The overview's key figures for the current filter as a whole: procedures with results,
-- applicants (candidates at the first step), tested (sat at least one scored test),
-- laureates, laureates per tested (BOSA's headline success rate), laureates per
-- applicant, and the median lead time in days from the
-- application deadline to the list date (procedures without a list date left out).
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

with_results as (
    select
        scope.procedure_code,
        scope.list_date - scope.application_deadline as lead_days,
        ps.applicants,
        ps.tested,
        ps.laureates
    from scope
    inner join procedure_stats as ps using (procedure_code)
)

select
    count(*) as procedures,
    cast(coalesce(sum(applicants), 0) as bigint) as applicants,
    cast(coalesce(sum(tested), 0) as bigint) as tested,
    cast(coalesce(sum(laureates), 0) as bigint) as laureates,
    sum(laureates) / nullif(sum(tested), 0) as laureates_per_tested,
    sum(laureates) / nullif(sum(applicants), 0) as laureates_per_applicant,
    median(lead_days) as median_lead_days
from with_results
