-- The reserve lists page's key figures for the filter, on $as_of: how many lists, how many
-- can be used that day (valid, also on their last day), how many have expired, are not in
-- force yet or are open (no end yet), how many lapse within 30 and within 90 days (valid on
-- $as_of, last day at most 30 / 90 days later), and their laureates by status.
-- available counts the laureates who can be drawn from a reserve on $as_of: status
-- available AND their own reserve valid that day (a laureate on an expired list is not
-- available); available_all_lists counts status available on every list, valid or not.
-- A list's validity and its laureates' come from the `list_states_on` macro (src/selstats/store/schema/0005_laureate_reserves.sql).
with scope as (
    select *
    from scoped_procedures(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

ends as (
    select ls.*
    from list_states_on($as_of::date) as ls
    inner join scope using (procedure_code)
),

list_counts as (
    select
        count(*) as lists,
        count(*) filter (where validity = 'valid') as valid,
        count(*) filter (where validity = 'expired') as expired,
        count(*) filter (where validity = 'open') as open,
        count(*) filter (where validity = 'not_started') as not_started,
        count(*) filter (where validity = 'valid' and days_left <= 30) as expiring_30,
        count(*) filter (where validity = 'valid' and days_left <= 90) as expiring_90
    from ends
),

status_counts as (
    select
        coalesce(sum(size), 0)::bigint as laureates,
        coalesce(sum(available_valid), 0)::bigint as available,
        coalesce(sum(available), 0)::bigint as available_all_lists,
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
    list_counts.not_started,
    list_counts.expiring_30,
    list_counts.expiring_90,
    status_counts.laureates,
    status_counts.available,
    status_counts.available_all_lists,
    status_counts.hired,
    status_counts.declined,
    status_counts.withdrawn as withdrawn_from_list
from list_counts
cross join status_counts
