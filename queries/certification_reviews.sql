-- DG R&O's yearly reviews due within $review_horizon_days days of $as_of (overdue ones
-- included; the horizon is selstats.rules.certification.REVIEW_HORIZON_DAYS): certified
-- organisations whose next review (one year after organisations.review_date) falls on or
-- before $as_of + $review_horizon_days. Those that would fail today ($mode: they hold a
-- level they no longer qualify for) come first, then the soonest.
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

status as (
    select cs.*
    from certification_status as cs
    where cs.mode = $mode::varchar
)

select
    status.org_id,
    scope.name as org_name,
    status.certification,
    status.qualifies_for,
    status.review_date,
    status.next_review,
    status.next_review - $as_of::date as days_to_review,
    status.would_fail_review,
    status.reasons,
    status.mode
from status
inner join scope using (org_id)
where status.certification <> 'none'
  and status.next_review <= $as_of::date + $review_horizon_days::integer
order by status.would_fail_review desc, status.next_review, status.org_id
