-- Salary scales at one index coefficient: annual = the 100 % amount times the coefficient,
-- monthly = annual / 12 (holiday pay and end-of-year bonus not included), both rounded to
-- the cent. An amount that is not known stays null.
with scaled as (
    select
        scale,
        level,
        government,
        annual_min_100,
        annual_max_100,
        $coefficient::double as coefficient,
        round(annual_min_100 * $coefficient::double, 2) as annual_min,
        round(annual_max_100 * $coefficient::double, 2) as annual_max,
        note
    from salary_scales
)

select
    scale,
    level,
    government,
    annual_min_100,
    annual_max_100,
    coefficient,
    annual_min,
    annual_max,
    round(annual_min / 12, 2) as monthly_min,
    round(annual_max / 12, 2) as monthly_max,
    note
from scaled
order by level, government, scale
