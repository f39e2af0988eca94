-- What each government pays with on one date ($as_of): the index coefficient in force for it
-- that day (each government from its own month; null when none is known yet), from when, and
-- the publication that says so; and how it rounds annual and monthly amounts to the cent, with
-- that source. One row per government the reference data names, federal, Flemish, local.
-- Reference data of no organisation: no filter or access scope applies.
-- access: reference
with governments as (
    select government from index_coefficients
    union
    select government from salary_rounding
),

in_force as (
    select
        government,
        max(in_force_from) as in_force_from
    from index_coefficients
    where in_force_from <= $as_of::date
    group by government
)

select
    g.government,
    ic.coefficient,
    ic.in_force_from,
    ic.source as coefficient_source,
    r.annual_rounding,
    r.monthly_rounding,
    r.source as rounding_source
from governments as g
left join in_force as f on g.government = f.government
left join index_coefficients as ic
    on f.government = ic.government and f.in_force_from = ic.in_force_from
left join salary_rounding as r on g.government = r.government
order by
    case g.government when 'federal' then 1 when 'flemish' then 2 when 'local' then 3 else 4 end,
    g.government
