-- The levels the level filter offers: those of the procedures in the chosen period,
-- governments and organisations (the level filter itself and the procedure filter aside).
with scope as (
    select level
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        []::varchar[], []::varchar[], $allowed::varchar[]
    )
)

select distinct level
from scope
where level is not null
order by level
