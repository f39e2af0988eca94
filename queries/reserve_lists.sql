-- The lists of laureates / recruitment reserves in the filter, one row per list: its
-- organisation, size, ranking, dates and what became of its laureates.
-- valid_until is the list's own last day (list date + validity, the day before the
-- anniversary); extended_until the latest extension of one of its laureates when it is
-- later than that; valid_through the last day any laureate can still be used (the later
-- of the two). validity on $as_of: 'valid' (also on the last day), 'expired', or 'open'
-- (no list date yet, so no end); days_left counts the days from $as_of to valid_through
-- (negative once expired).
-- suppress: counts=size,available,hired,declined,withdrawn
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

entries as (
    select
        la.procedure_code,
        coalesce(le.status, 'available') as status,
        le.extended_until
    from laureates as la
    inner join scope using (procedure_code)
    left join list_entries as le using (procedure_code, candidate_ref)
),

per_list as (
    select
        procedure_code,
        max(extended_until) as latest_extension,
        count(*) filter (where status = 'available') as available,
        count(*) filter (where status = 'hired') as hired,
        count(*) filter (where status = 'declined') as declined,
        count(*) filter (where status = 'withdrawn') as withdrawn
    from entries
    group by procedure_code
),

ends as (
    select
        li.procedure_code,
        li.list_date,
        li.validity_months,
        li.valid_until,
        li.ranked,
        li.size,
        case
            when li.valid_until is null or pl.latest_extension > li.valid_until
                then pl.latest_extension
        end as extended_until,
        coalesce(pl.available, 0) as available,
        coalesce(pl.hired, 0) as hired,
        coalesce(pl.declined, 0) as declined,
        coalesce(pl.withdrawn, 0) as withdrawn
    from lists as li
    inner join scope using (procedure_code)
    left join per_list as pl using (procedure_code)
),

dated as (
    select
        ends.*,
        greatest(ends.valid_until, ends.extended_until) as valid_through
    from ends
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
    dated.valid_until,
    dated.extended_until is not null as extended,
    dated.extended_until,
    dated.available,
    dated.hired,
    dated.declined,
    dated.withdrawn,
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
