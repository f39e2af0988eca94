-- The years the period filter offers: every year a procedure the user may see falls in
-- (the year of its application deadline, else of its list date; see view procedure_scope).
-- Procedures without a year are in every period and add no year.
with visible as (
    select year
    from scoped_procedures(
        null::integer, null::integer, []::varchar[], []::varchar[],
        []::varchar[], []::varchar[], $allowed::varchar[]
    )
)

select distinct cast(year as integer) as year
from visible
where year is not null
order by year
