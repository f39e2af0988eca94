-- BOSA's national key figures of federal recruitment, one row per year it published any,
-- within the sidebar's period when one is set (the series the overview draws next to the
-- selection). BOSA counts persons; its headline success rate is laureates / tested. A year
-- without a published value keeps it null (never 0). Reference data of no organisation:
-- no access scope applies; the sources of each value are in data/reference/national_figures.csv.
-- access: reference
select
    nf.year,
    nf.vacancies as national_vacancies,
    nf.applicants as national_applicants,
    nf.tested as national_tested,
    nf.laureates as national_laureates,
    nf.laureates / nullif(nf.tested, 0) as national_laureates_per_tested,
    nf.tested / nullif(nf.applicants, 0) as national_tested_per_applicant
from national_figures as nf
where
    ($year_from::integer is null or nf.year >= $year_from::integer)
    and ($year_to::integer is null or nf.year <= $year_to::integer)
order by nf.year
