-- Salary scales at one index coefficient ($coefficient): one row per scale of the governments
-- (of the organisations in the filter) and levels in the filter.
--   annual  = the 100 % amount x the coefficient, rounded half-up to the cent;
--   monthly = the same UNROUNDED product / 12, rounded half-up to the cent (holiday pay and
--             end-of-year bonus not included), so only one rounding ever applies.
-- The arithmetic is decimal, never binary floating point: 13,550 x 2.1647 is exactly
-- 29,331.685 -> 29,331.69, where a double holds 29,331.68499... and would round down.
-- 100 % amounts are taken to 4 decimals, coefficients to 4 decimals (1.02^n, see
-- index_coefficients.csv). An amount that is not known stays null at every coefficient.
-- amounts_known: both | min_only | max_only | none (which 100 % amounts are known).
-- The amounts leave as DOUBLE, so that exports are numeric.
with visible_governments as (
    select distinct government
    from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

scales as (
    select
        ss.scale,
        ss.level,
        ss.government,
        ss.annual_min_100,
        ss.annual_max_100,
        ss.note
    from salary_scales as ss
    where
        ss.government in (select vg.government from visible_governments as vg)
        and (len($levels::varchar[]) = 0 or list_contains($levels::varchar[], ss.level))
),

-- the exact products, in euro with 8 decimals: DECIMAL(18, 4) x DECIMAL(8, 4)
exact as (
    select
        scales.*,
        scales.annual_min_100::decimal(18, 4) * $coefficient::decimal(8, 4) as min_exact,
        scales.annual_max_100::decimal(18, 4) * $coefficient::decimal(8, 4) as max_exact
    from scales
),

-- the products as whole hundred-millionths of a euro (exact integers), so that / 12 can be
-- rounded half-up exactly: DuckDB divides decimals in floating point.
-- cents of x / 12 = floor(x / 12 / 0.01 + 1/2) = (x_e8 + 6,000,000) // 12,000,000
-- (amounts are positive: the reference loader refuses others).
exact_e8 as (
    select
        exact.*,
        (exact.min_exact::decimal(38, 8) * 100000000)::hugeint as min_e8,
        (exact.max_exact::decimal(38, 8) * 100000000)::hugeint as max_e8
    from exact
),

amounts as (
    select
        exact_e8.*,
        round(exact_e8.min_exact, 2) as annual_min,
        round(exact_e8.max_exact, 2) as annual_max,
        (exact_e8.min_e8 + 6000000) // 12000000 as monthly_min_cents,
        (exact_e8.max_e8 + 6000000) // 12000000 as monthly_max_cents
    from exact_e8
)

select
    scale,
    level,
    government,
    annual_min_100::double as annual_min_100,
    annual_max_100::double as annual_max_100,
    $coefficient::decimal(8, 4)::double as coefficient,
    annual_min::double as annual_min,
    annual_max::double as annual_max,
    monthly_min_cents::double / 100 as monthly_min,
    monthly_max_cents::double / 100 as monthly_max,
    case
        when annual_min_100 is not null and annual_max_100 is not null then 'both'
        when annual_min_100 is not null then 'min_only'
        when annual_max_100 is not null then 'max_only'
        else 'none'
    end as amounts_known,
    note
from amounts
order by level, government, scale
