-- The lists of laureates / recruitment reserves: one row per candidate on a list, with the
-- list's dates. valid_until is the list's end, or the candidate's extension when later.
-- validity says whether the list can still be used on $as_of (valid on its last day).
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
        li.list_date,
        greatest(li.valid_until, le.extended_until) as valid_until,
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
    case
        when entries.valid_until is null then 'open'
        when $as_of::date <= entries.valid_until then 'valid'
        else 'expired'
    end as validity,
    scope.org_id
from entries
inner join scope using (procedure_code)
order by entries.procedure_code, entries.rank nulls last, entries.candidate_ref
