-- One organisation's Q-check average per calendar year ($org, within the filter and access
-- scope), over every check of its AZ-certified consultants in that year (the trend, not
-- the 12-month window of the 80 % rule), averaged as $mode says: all_checks = mean of the
-- checks, per_consultant = mean of each consultant's own mean of the year.
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

checks as (
    select
        year(q.check_date) as check_year,
        q.consultant_ref,
        q.score_percent
    from qchecks as q
    inner join consultants as c using (consultant_ref)
    inner join scope using (org_id)
    where c.org_id = $org::varchar
      and c.az_certified
),

per_consultant as (
    select
        check_year,
        consultant_ref,
        avg(score_percent) as own_average,
        count(*) as checks
    from checks
    group by check_year, consultant_ref
)

select
    check_year,
    case
        when $mode::varchar = 'per_consultant' then avg(own_average)
        else sum(own_average * checks) / sum(checks)
    end as qcheck_year_average,
    sum(checks)::integer as qchecks_in_year,
    count(*)::integer as consultants_in_year,
    $mode::varchar as mode
from per_consultant
group by check_year
order by check_year
