-- Each organisation's client certification: the conditions, the Q-check average against
-- the 80 % line, and whether it is at risk (holds client certification, no longer
-- qualifies). $mode picks the averaging the figure uses: all_checks | per_consultant.
-- After the contract's columns: the advisor's figures, written with the status by
-- selstats.store.certification (gaps to the next level, fragile roles, Q-check outlook),
-- the conditions met or not (read from the reason codes), and whether the yearly review
-- falls within $review_horizon_days days of $as_of (overdue included;
-- selstats.rules.certification.REVIEW_HORIZON_DAYS). `fragile`: it qualifies for client
-- certification, but some condition hangs on one consultant. At risk first, then those
-- that would fail their review, then by level held (client first) and name.
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

status as (
    select cs.*
    from certification_status as cs
    where cs.mode = $mode::varchar
),

reason_lists as (
    select
        org_id,
        string_split(reasons, ',') as codes
    from status
)

select
    status.org_id,
    status.certification,
    status.qualifies_client,
    status.qcheck_average,
    status.qcheck_average_per_consultant,
    status.qcheck_count,
    status.at_risk,
    status.reasons,
    scope.name as org_name,
    scope.government,
    status.qualifies_for,
    status.mode,
    status.qcheck_figure,
    status.last_qcheck_date,
    status.window_start,
    status.review_date,
    status.next_review,
    coalesce(status.certification <> 'none' and status.next_review <= $as_of::date + $review_horizon_days::integer, false)
        as review_due,
    status.would_fail_review,
    not (list_contains(rl.codes, 'missing_az_nl') or list_contains(rl.codes, 'missing_az_fr'))
        as az_per_role_met,
    not (
        list_contains(rl.codes, 'missing_tests_nl') or list_contains(rl.codes, 'missing_tests_fr')
    ) as tests_per_role_met,
    not list_contains(rl.codes, 'too_few_certified') as certified_staff_met,
    not list_contains(rl.codes, 'no_pro_partner') as pro_partner_met,
    not (list_contains(rl.codes, 'qcheck_below_80') or list_contains(rl.codes, 'no_qchecks'))
        as qcheck_met,
    status.certified_staff,
    status.az_nl,
    status.az_fr,
    status.tests_nl,
    status.tests_fr,
    status.pro_partners,
    status.gaps,
    status.fragile_roles,
    status.recent_average,
    status.checks_needed_at_recent,
    status.checks_needed_at_100,
    status.min_score_for_one_more,
    status.qualifies_client and status.fragile_roles <> '' as fragile
from status
inner join scope using (org_id)
inner join reason_lists as rl using (org_id)
order by
    status.at_risk desc,
    status.would_fail_review desc,
    case status.certification when 'client' then 1 when 'individual' then 2 else 3 end,
    scope.name,
    status.org_id
