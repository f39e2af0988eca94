-- The salary amounts the vacancy postings published (data/reference/salary_postings.csv), each
-- next to the amount computed from its scale's 100 % amount at the SAME coefficient the
-- posting applied, by the rule of queries/salaries.sql: decimal arithmetic, to the cent by the
-- rounding of the posting's government (salary_rounding), monthly = the unrounded annual / 12
-- (tests/pages/test_salaries.py checks that both queries agree). The scale is the one the
-- posting's organisation uses: its own when it is a local government, else its government's.
-- status: not_published (the posting gave no amount: it stays null, never 0), no_scale_amount
-- (the 100 % amount is not known), matches, differs.
-- in_force_from: from when the posting's government applied that coefficient.
-- Postings of the organisations in the filter and the access scope, at scales of the DIPLOMA
-- levels in the filter. Amounts leave as DOUBLE.
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
        ld.diploma_level,
        sp.government,
        sp.period,
        sp.bound,
        sp.coefficient,
        sp.published_amount,
        sp.source_year,
        sp.source,
        sp.note,
        case sp.bound
            when 'min' then ss.annual_min_100
            when 'max' then ss.annual_max_100
        end as annual_100,
        coalesce(
            case sp.period when 'annual' then r.annual_rounding else r.monthly_rounding end,
            'half_up'
        ) as rounding
    from salary_postings as sp
    inner join visible_organisations as vo on sp.org_id = vo.org_id
    left join salary_scales as ss
        on
            sp.scale = ss.scale
            and sp.government = ss.government
            and ss.org_id is not distinct from (
                case when sp.government = 'local' then sp.org_id end
            )
    left join level_diplomas as ld
        on
            ss.government = ld.government
            and ss.org_id is not distinct from ld.org_id
            and ss.level = ld.level
    left join salary_rounding as r on sp.government = r.government
    where len($levels::varchar[]) = 0 or list_contains($levels::varchar[], ld.diploma_level)
),

-- the exact product at the posting's coefficient as whole hundred-millionths of a euro, to
-- take the cents exactly (see queries/salaries.sql)
exact_e8 as (
    select
        postings.*,
        (
            (postings.annual_100::decimal(18, 4) * postings.coefficient::decimal(8, 4))::decimal(
                38, 8
            )
            * 100000000
        )::hugeint as annual_e8
    from postings
),

computed as (
    select
        exact_e8.*,
        (
            case exact_e8.period
                when 'annual'
                    then
                        (
                            exact_e8.annual_e8
                            + case when exact_e8.rounding = 'truncate' then 0 else 500000 end
                        )
                        // 1000000
                when 'monthly'
                    then
                        (
                            exact_e8.annual_e8
                            + case when exact_e8.rounding = 'truncate' then 0 else 6000000 end
                        )
                        // 12000000
            end
        )::decimal(38, 0)
        * 0.01 as computed_exact
    from exact_e8
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
    compared.note,
    compared.diploma_level,
    compared.rounding,
    compared.source
from compared
left join index_coefficients as ic
    on compared.government = ic.government and compared.coefficient = ic.coefficient
order by compared.level, compared.government, compared.scale, compared.posting, compared.bound desc
