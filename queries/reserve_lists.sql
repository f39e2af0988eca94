-- The lists of laureates / recruitment reserves in the filter, one row per list: its
-- organisation, size, ranking, dates and what became of its laureates.
-- list_valid_until is the list's own last day (list date + validity, the day before the
-- anniversary); extended_until the latest extension of one of its laureates when it is
-- later than that; valid_through the last day any laureate can still be used (the later
-- of the two). A permanently open procedure (permanently_open) has no list date: each
-- laureate's reserve runs from their own last result (valid_from is the first laureate's),
-- list_valid_until is then the latest laureate's own end.
-- validity on $as_of: 'valid' (also on the last day), 'expired', 'not_started' (before
-- valid_from) or 'open' (no end yet); a permanently open list is valid while at least one
-- laureate's reserve is. days_left counts the days from $as_of to valid_through (negative
-- once expired). laureates_valid: the laureates whose own reserve is valid on $as_of;
-- available: those of them still available (not hired, declined or withdrawn);
-- available_not_valid: laureates still available whose reserve is not valid on $as_of, so
-- available + available_not_valid + hired + declined + withdrawn_from_list = size.
-- The lists come from the `list_states_on` macro (src/selstats/store/schema/0005_laureate_reserves.sql).
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

dated as (
    select ls.*
    from list_states_on($as_of::date) as ls
    inner join scope using (procedure_code)
)

-- the decisive figures first (valid on $as_of? until when? who can still be recruited?):
-- on screen at 1024 px without scrolling sideways
select
    dated.procedure_code,
    dated.validity,
    dated.valid_through,
    dated.days_left,
    dated.available_valid as available,
    scope.title,
    scope.org_name,
    dated.size,
    dated.laureates_valid,
    dated.ranked,
    dated.permanently_open,
    dated.valid_from,
    dated.list_date,
    dated.validity_months,
    dated.valid_until as list_valid_until,
    dated.extended_until is not null as extended,
    dated.extended_until,
    dated.available - dated.available_valid as available_not_valid,
    dated.hired,
    dated.declined,
    dated.withdrawn as withdrawn_from_list,
    scope.org_id,
    scope.government,
    scope.level
from dated
inner join scope using (procedure_code)
-- the lists still valid first, the nearest end first; then those not in force yet, the
-- open ones, and the expired ones, the most recently expired first
order by
    case dated.validity when 'valid' then 0 when 'not_started' then 1 when 'open' then 2 else 3 end,
    abs(dated.days_left),
    dated.procedure_code
