-- The overview's key figures for the current filter, one row per year (the year of the
-- application deadline, else of the list date; null for permanently open procedures), next
-- to BOSA's national key figures of that year where it published them (federal recruitment
-- only). Like with like: BOSA's headline success rate is laureates / tested, so the
-- selection's laureates_per_tested stands next to national_laureates_per_tested, and
-- tested_per_applicant next to national_tested_per_applicant. BOSA counts persons; the
-- selection counts applications (a candidate per procedure). Lead time runs from the
-- application deadline to the list date. Only procedures with results count, as in
-- overview_totals.
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

per_year as (
    select
        cast(scope.year as integer) as year,
        count(*) as procedures,
        cast(sum(ps.applicants) as bigint) as applicants,
        cast(sum(ps.tested) as bigint) as tested,
        cast(sum(ps.laureates) as bigint) as laureates,
        median(scope.list_date - scope.application_deadline) as median_lead_days
    from scope
    inner join procedure_stats as ps using (procedure_code)
    group by scope.year
)

select
    per_year.year,
    per_year.procedures,
    per_year.applicants,
    per_year.tested,
    per_year.laureates,
    per_year.laureates / nullif(per_year.tested, 0) as laureates_per_tested,
    per_year.tested / nullif(per_year.applicants, 0) as tested_per_applicant,
    per_year.laureates / nullif(per_year.applicants, 0) as laureates_per_applicant,
    per_year.median_lead_days,
    nf.applicants as national_applicants,
    nf.tested as national_tested,
    nf.laureates as national_laureates,
    nf.laureates / nullif(nf.tested, 0) as national_laureates_per_tested,
    nf.tested / nullif(nf.applicants, 0) as national_tested_per_applicant
from per_year
left join national_figures as nf using (year)
order by per_year.year nulls last
