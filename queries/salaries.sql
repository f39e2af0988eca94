-- Salary scales on one date ($as_of): one row per scale of the governments and organisations
-- in the filter, at the index coefficient in force FOR THE SCALE'S GOVERNMENT on that date
-- (index_coefficients: each government from its own month), or at $coefficient for every
-- scale when it is given (a what-if; null: the coefficients in force).
--
-- Which scales:
--   - a scale of a whole government (org_id null: federal, Flemish), for the governments of the
--     organisations in the filter;
--   - a scale of one organisation (org_id: a local government's own scale, e.g. Maaseik's
--     C1-C3), when that organisation is in the filter: it is never shown for another one;
--   - a scale a procedure in the filter names that the reference data does not hold: amounts
--     unknown (amounts_known 'not_in_reference'). For a local government it is that
--     organisation's scale (org_id), so another town's C1-C3 shows as unknown, never as
--     Maaseik's amounts. A procedure that names no scale adds no row.
-- The level filter ($levels) is on DIPLOMA levels (A, B, C, D: view level_diplomas); `level`
-- stays the class, rank or scale level of the row.
--
-- Amounts, in decimal arithmetic (never binary floats: 13,550 x 2.1647 is exactly 29,331.685):
--   annual  = the 100 % amount x the coefficient, brought to the cent by the annual rule of the
--             government that pays it (salary_rounding: truncate or half_up);
--   monthly = the same UNROUNDED product / 12, by that government's monthly rule (holiday pay
--             and end-of-year bonus not included), so only one rounding ever applies.
--   Federal (BOSA): (22,000 x 1.8845) / 12 = 3,454.916 -> 3,454.91 (truncated);
--   local (Maaseik): 13,550 x 2.1647 / 12 = 2,444.307 -> 2,444.31 (half up).
--   A government without a rule (a store not yet synced with data/reference) rounds half up.
-- An amount that is not known stays null at every coefficient; so does every amount of a
-- government with no coefficient in force on $as_of. The amounts leave as DOUBLE, so that
-- exports are numeric.
-- amounts_known: both | min_only | max_only | none (the reference data holds the scale but
-- not those amounts) | not_in_reference (the scale is not in the reference data).
with visible_organisations as (
    select
        org_id,
        name,
        government
    from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

known_scales as (
    select
        ss.scale,
        ss.level,
        ss.government,
        ss.org_id,
        vo.name as org_name,
        ss.annual_min_100,
        ss.annual_max_100,
        ss.source,
        ss.note
    from salary_scales as ss
    left join visible_organisations as vo on ss.org_id = vo.org_id
    where
        (
            ss.org_id is null
            and ss.government in (select vo2.government from visible_organisations as vo2)
        )
        or vo.org_id is not null
),

-- the scales the procedures in the filter name (any period: the date above chooses the pay),
-- per organisation for a local government, per government otherwise
named_scales as (
    select
        sp.salary_scale as scale,
        sp.government,
        case when sp.government = 'local' then sp.org_id end as org_id,
        min(sp.level) as level,
        min(sp.org_name) as org_name,
        min(sp.diploma_level) as diploma_level
    from scoped_procedures(
        null::integer, null::integer, $govs::varchar[], $orgs::varchar[],
        []::varchar[], []::varchar[], $allowed::varchar[]
    ) as sp
    where sp.salary_scale is not null
    group by sp.salary_scale, sp.government, case when sp.government = 'local' then sp.org_id end
),

unlisted_scales as (
    select
        ns.scale,
        ns.level,
        ns.government,
        ns.org_id,
        case when ns.org_id is not null then ns.org_name end as org_name,
        null::double as annual_min_100,
        null::double as annual_max_100,
        null::varchar as source,
        null::varchar as note,
        ns.diploma_level,
        false as in_reference
    from named_scales as ns
    where not exists (
        select 1
        from salary_scales as ss
        where
            ss.scale = ns.scale
            and ss.government = ns.government
            and ss.org_id is not distinct from ns.org_id
    )
),

scales as (
    select
        ks.*,
        ld.diploma_level,
        true as in_reference
    from known_scales as ks
    left join level_diplomas as ld
        on
            ks.government = ld.government
            and ks.org_id is not distinct from ld.org_id
            and ks.level = ld.level

    union all

    select * from unlisted_scales
),

in_filter as (
    select *
    from scales
    where len($levels::varchar[]) = 0 or list_contains($levels::varchar[], diploma_level)
),

-- each government's coefficient in force on $as_of
in_force as (
    select
        government,
        max(in_force_from) as in_force_from
    from index_coefficients
    where in_force_from <= $as_of::date
    group by government
),

priced as (
    select
        f.*,
        coalesce($coefficient::decimal(8, 4), ic.coefficient::decimal(8, 4)) as applied,
        case when $coefficient is null then ic.in_force_from end as coefficient_from,
        coalesce(r.annual_rounding, 'half_up') as annual_rounding,
        coalesce(r.monthly_rounding, 'half_up') as monthly_rounding
    from in_filter as f
    left join in_force as i on f.government = i.government
    left join index_coefficients as ic
        on i.government = ic.government and i.in_force_from = ic.in_force_from
    left join salary_rounding as r on f.government = r.government
),

-- the exact products as whole hundred-millionths of a euro (exact integers: DECIMAL(18, 4) x
-- DECIMAL(8, 4) has 8 decimals), so that the cents are taken exactly (DuckDB divides decimals
-- in floating point). Amounts are positive (the reference loader refuses others), so for
-- x_e8 = amount x 10^8:
--   truncated cents of x      = x_e8 // 1,000,000;    half up: (x_e8 + 500,000) // 1,000,000
--   truncated cents of x / 12 = x_e8 // 12,000,000;   half up: (x_e8 + 6,000,000) // 12,000,000
exact_e8 as (
    select
        priced.*,
        (
            (priced.annual_min_100::decimal(18, 4) * priced.applied)::decimal(38, 8) * 100000000
        )::hugeint as min_e8,
        (
            (priced.annual_max_100::decimal(18, 4) * priced.applied)::decimal(38, 8) * 100000000
        )::hugeint as max_e8,
        case when priced.annual_rounding = 'truncate' then 0 else 500000 end as annual_half,
        case when priced.monthly_rounding = 'truncate' then 0 else 6000000 end as monthly_half
    from priced
),

amounts as (
    select
        exact_e8.*,
        (exact_e8.min_e8 + exact_e8.annual_half) // 1000000 as annual_min_cents,
        (exact_e8.max_e8 + exact_e8.annual_half) // 1000000 as annual_max_cents,
        (exact_e8.min_e8 + exact_e8.monthly_half) // 12000000 as monthly_min_cents,
        (exact_e8.max_e8 + exact_e8.monthly_half) // 12000000 as monthly_max_cents
    from exact_e8
)

select
    scale,
    level,
    government,
    org_id,
    annual_min_100::double as annual_min_100,
    annual_max_100::double as annual_max_100,
    applied::double as coefficient,
    annual_min_cents::double / 100 as annual_min,
    annual_max_cents::double / 100 as annual_max,
    monthly_min_cents::double / 100 as monthly_min,
    monthly_max_cents::double / 100 as monthly_max,
    org_name,
    diploma_level,
    coefficient_from,
    annual_rounding,
    monthly_rounding,
    case
        when not in_reference then 'not_in_reference'
        when annual_min_100 is not null and annual_max_100 is not null then 'both'
        when annual_min_100 is not null then 'min_only'
        when annual_max_100 is not null then 'max_only'
        else 'none'
    end as amounts_known,
    source,
    note
from amounts
order by diploma_level nulls last, level, government, org_name nulls first, scale
