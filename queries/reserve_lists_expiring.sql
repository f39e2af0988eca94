-- The reserve lists that lapse soon: valid on $as_of and whose last day falls at most 90
-- days later, nearest first; within_30 marks those whose last day is at most 30 days
-- away. A list's last day is the later of its own end and its laureates' extensions, as
-- in reserve_lists.sql; available counts the laureates still to be drawn from it.
-- suppress: counts=size,available
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
        count(*) filter (where status = 'available') as available
    from entries
    group by procedure_code
),

ends as (
    select
        li.procedure_code,
        li.size,
        greatest(li.valid_until, pl.latest_extension) as valid_through,
        coalesce(pl.available, 0) as available
    from lists as li
    inner join scope using (procedure_code)
    left join per_list as pl using (procedure_code)
),

expiring as (
    select
        ends.*,
        ends.valid_through - $as_of::date as days_left
    from ends
    where ends.valid_through - $as_of::date between 0 and 90
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
