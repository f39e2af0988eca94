-- The diploma levels (A, B, C, D) the level filter offers: those of the procedures in the
-- chosen period, governments and organisations (the level filter itself and the procedure
-- filter aside). A procedure's diploma level comes from its level, class, rank or scale
-- (view level_diplomas, data/reference/diploma_levels.csv); one whose level no rule maps has
-- none and is not offered.
with scope as (
    select diploma_level
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        []::varchar[], []::varchar[], $allowed::varchar[]
    )
)

select distinct diploma_level
from scope
where diploma_level is not null
order by diploma_level
