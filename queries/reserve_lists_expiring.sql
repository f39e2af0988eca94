-- The reserve lists that lapse soon: valid on $as_of and whose last day falls at most 90
-- days later, nearest first; within_30 marks those whose last day is at most 30 days
-- away. A list's last day is the later of its own end and its laureates' extensions (for a
-- permanently open procedure, the last laureate's), as in the `list_states_on` macro
-- (src/selstats/store/schema/0005_laureate_reserves.sql); available counts the laureates still to be drawn from it on $as_of
-- (status available, own reserve valid).
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

expiring as (
    select
        ls.procedure_code,
        ls.size,
        ls.valid_through,
        ls.available_valid as available,
        ls.days_left
    from list_states_on($as_of::date) as ls
    inner join scope using (procedure_code)
    where ls.validity = 'valid' and ls.days_left <= 90
)

select
    expiring.procedure_code,
    scope.title,
    scope.org_name,
    expiring.valid_through,
    expiring.days_left,
    expiring.days_left <= 30 as within_30,
    expiring.size,
    expiring.available,
    scope.org_id
from expiring
inner join scope using (procedure_code)
order by expiring.days_left, expiring.procedure_code
