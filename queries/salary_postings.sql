-- The salary amounts the vacancy postings published (data/reference/salary_postings.csv), each
-- next to the amount computed from its scale's 100 % amount at the SAME coefficient the
-- posting applied, by the rule of queries/salaries.sql: decimal arithmetic, half-up to the
-- cent, monthly = the unrounded annual / 12 (tests/rules/test_salaries.py checks that both
-- queries agree). status: not_published (the posting gave no amount: it stays null, never 0),
-- no_scale_amount (the 100 % amount is not known), matches, differs.
-- Postings of the organisations in the filter and the access scope, at scales of the levels
-- in the filter. Amounts leave as DOUBLE.
with visible_organisations as (
    select
        org_id,
        name
    from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

postings as (
    select
        sp.posting,
        sp.org_id,
        vo.name as org_name,
        sp.scale,
        ss.level,
        sp.government,
        sp.period,
        sp.bound,
        sp.coefficient,
        sp.published_amount,
        sp.source_year,
        sp.note,
        case sp.bound
            when 'min' then ss.annual_min_100
            when 'max' then ss.annual_max_100
        end as annual_100
    from salary_postings as sp
    inner join visible_organisations as vo on sp.org_id = vo.org_id
    left join salary_scales as ss on sp.scale = ss.scale and sp.government = ss.government
    where len($levels::varchar[]) = 0 or list_contains($levels::varchar[], ss.level)
),

-- the exact product at the posting's coefficient (euro, 8 decimals) and the same as whole
-- hundred-millionths of a euro, to round / 12 half-up exactly (see queries/salaries.sql)
exact as (
    select
        postings.*,
        postings.annual_100::decimal(18, 4) * postings.coefficient::decimal(8, 4) as annual_exact
    from postings
),

computed as (
    select
        exact.*,
        case exact.period
            when 'annual' then round(exact.annual_exact, 2)
            when 'monthly'
                then (
                    ((exact.annual_exact::decimal(38, 8) * 100000000)::hugeint + 6000000)
                    // 12000000
                )::decimal(38, 0)
                * 0.01
        end as computed_exact
    from exact
),

compared as (
    select
        computed.*,
        computed.published_amount::decimal(18, 2) - computed.computed_exact as difference_exact,
        case
            when computed.published_amount is null then 'not_published'
            when computed.computed_exact is null then 'no_scale_amount'
            when computed.published_amount::decimal(18, 2) = computed.computed_exact then 'matches'
            else 'differs'
        end as status
    from computed
)

select
    compared.posting,
    compared.org_id,
    compared.org_name,
    compared.scale,
    compared.level,
    compared.government,
    compared.period,
    compared.bound,
    compared.coefficient as posting_coefficient,
    ic.in_force_from,
    compared.published_amount,
    compared.annual_100,
    compared.computed_exact::double as computed_amount,
    compared.difference_exact::double as difference,
    compared.status as posting_check,
    compared.source_year,
    compared.note
from compared
left join index_coefficients as ic on compared.coefficient = ic.coefficient
order by compared.level, compared.government, compared.scale, compared.posting, compared.bound desc
