-- The lists of laureates / recruitment reserves: one row per candidate on a list, with the
-- laureate's own reserve. list_date is the day it starts: the list's date, or in a
-- permanently open procedure the end of the laureate's own procedure (their latest result).
-- valid_until is its last day: the list date's validity, or the laureate's extension when
-- later. validity says whether the laureate's reserve can be used on $as_of ('valid' also
-- on its last day; 'not_started' before list_date; 'open' without an end).
-- access: candidates
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
        la.candidate_ref,
        la.rank,
        la.list_date,
        greatest(la.valid_until, le.extended_until) as valid_until,
        coalesce(le.status, 'available') as status,
        le.status_date,
        le.extended_until,
        la.final_score,
        li.ranked
    from laureates as la
    inner join lists as li using (procedure_code)
    left join list_entries as le using (procedure_code, candidate_ref)
    where la.procedure_code in (select scope.procedure_code from scope)
)

select
    entries.*,
    reserve_validity(entries.list_date, entries.valid_until, $as_of::date) as validity,
    scope.org_id
from entries
inner join scope using (procedure_code)
order by entries.procedure_code, entries.rank nulls last, entries.candidate_ref
