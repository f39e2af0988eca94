-- The reserve lists page's key figures for the filter, on $as_of: how many lists, how many
-- can still be used (valid on their last day too), how many lapse within 30 and within 90
-- days (valid on $as_of, last day at most 30 / 90 days later), and their laureates by
-- status. A list's last day is the later of its own end and its laureates' extensions, as
-- in the `list_states` view (schema.sql).
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

ends as (
    select
        ls.*,
        ls.valid_through - $as_of::date as days_left
    from list_states as ls
    inner join scope using (procedure_code)
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
        coalesce(sum(size), 0)::bigint as laureates,
        coalesce(sum(available), 0)::bigint as available,
        coalesce(sum(hired), 0)::bigint as hired,
        coalesce(sum(declined), 0)::bigint as declined,
        coalesce(sum(withdrawn), 0)::bigint as withdrawn
    from ends
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
    status_counts.withdrawn as withdrawn_from_list
from list_counts
cross join status_counts
