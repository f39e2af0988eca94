-- The lists of laureates / recruitment reserves in the filter, one row per list: its
-- organisation, size, ranking, dates and what became of its laureates.
-- valid_until is the list's own last day (list date + validity, the day before the
-- anniversary); extended_until the latest extension of one of its laureates when it is
-- later than that; valid_through the last day any laureate can still be used (the later
-- of the two). validity on $as_of: 'valid' (also on the last day), 'expired', or 'open'
-- (no list date yet, so no end); days_left counts the days from $as_of to valid_through
-- (negative once expired). The list's dates and counts come from the `list_states` view.
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

dated as (
    select ls.*
    from list_states as ls
    inner join scope using (procedure_code)
)

select
    dated.procedure_code,
    scope.title,
    scope.org_name,
    case
        when dated.valid_through is null then 'open'
        when $as_of::date <= dated.valid_through then 'valid'
        else 'expired'
    end as validity,
    dated.valid_through,
    dated.valid_through - $as_of::date as days_left,
    dated.size,
    dated.ranked,
    dated.list_date,
    dated.validity_months,
    dated.valid_until as list_valid_until,
    dated.extended_until is not null as extended,
    dated.extended_until,
    dated.available,
    dated.hired,
    dated.declined,
    dated.withdrawn as withdrawn_from_list,
    scope.org_id,
    scope.government,
    scope.level
from dated
inner join scope using (procedure_code)
-- the lists still valid first, the nearest end first; then the open ones; then the
-- expired ones, the most recently expired first
order by
    case when dated.valid_through is null then 1 when days_left >= 0 then 0 else 2 end,
    abs(days_left),
    dated.procedure_code
