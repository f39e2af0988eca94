-- The reserve lists page's key figures for the filter, on $as_of: how many lists, how many
-- can still be used (valid on their last day too), how many lapse within 30 and within 90
-- days (valid on $as_of, last day at most 30 / 90 days later), and their laureates by
-- status. A list's last day is the later of its own end and its laureates' extensions, as
-- in reserve_lists.sql.
-- suppress: counts=laureates,available,hired,declined,withdrawn
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

extensions as (
    select
        procedure_code,
        max(extended_until) as latest_extension
    from entries
    group by procedure_code
),

ends as (
    select
        li.procedure_code,
        greatest(li.valid_until, ex.latest_extension) - $as_of::date as days_left
    from lists as li
    inner join scope using (procedure_code)
    left join extensions as ex using (procedure_code)
),

list_counts as (
    select
        count(*) as lists,
        count(*) filter (where days_left >= 0) as valid,
        count(*) filter (where days_left < 0) as expired,
        count(*) filter (where days_left is null) as open,
        count(*) filter (where days_left between 0 and 30) as expiring_30,
        count(*) filter (where days_left between 0 and 90) as expiring_90
    from ends
),

status_counts as (
    select
        count(*) as laureates,
        count(*) filter (where status = 'available') as available,
        count(*) filter (where status = 'hired') as hired,
        count(*) filter (where status = 'declined') as declined,
        count(*) filter (where status = 'withdrawn') as withdrawn
    from entries
    where procedure_code in (select ends.procedure_code from ends)
)

select
    list_counts.lists,
    list_counts.valid,
    list_counts.expired,
    list_counts.open,
    list_counts.expiring_30,
    list_counts.expiring_90,
    status_counts.laureates,
    status_counts.available,
    status_counts.hired,
    status_counts.declined,
    status_counts.withdrawn
from list_counts
cross join status_counts
