-- Organisations by certification level, under $mode: how many hold each level, how many
-- of those meet its conditions today (or fail them: for client certification these are
-- the organisations at risk), and how many qualify for it today whatever they hold.
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

status as (
    select cs.*
    from certification_status as cs
    inner join scope using (org_id)
    where cs.mode = $mode::varchar
),

levels as (
    select *
    from (values ('client', 1), ('individual', 2), ('none', 3)) as l (certification, sort_key)
),

held as (
    select
        certification,
        count(*) as organisations,
        count(*) filter (where not would_fail_review) as meeting_conditions,
        count(*) filter (where would_fail_review) as failing_conditions
    from status
    group by certification
),

qualifying as (
    select
        qualifies_for as certification,
        count(*) as qualifying
    from status
    group by qualifies_for
)

select
    levels.certification,
    coalesce(held.organisations, 0) as organisations,
    coalesce(held.meeting_conditions, 0) as meeting_conditions,
    coalesce(held.failing_conditions, 0) as failing_conditions,
    coalesce(qualifying.qualifying, 0) as qualifying
from levels
left join held using (certification)
left join qualifying using (certification)
order by levels.sort_key
