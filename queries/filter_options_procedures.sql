-- The procedures the procedure filter offers: those in the chosen period, governments,
-- organisations and levels (the procedure filter itself aside), newest first.
with scope as (
    select procedure_code, title, org_id, level, year
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], []::varchar[], $allowed::varchar[]
    )
)

select
    procedure_code,
    title,
    org_id,
    level,
    cast(year as integer) as year
from scope
order by year desc nulls first, procedure_code
