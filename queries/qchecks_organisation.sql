-- The Q-checks of one organisation's consultants ($org, within the filter and access
-- scope), newest first, and whether each counts for the 80 % rule and why: only checks of
-- AZ-certified consultants count (not_az), and only those after window_start up to the
-- last counted check (before_window), the window written with the status.
-- One row per consultant: person-level rows, shown only to roles that see candidates.
-- access: candidates
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

status as (
    select cs.*
    from certification_status as cs
    inner join scope using (org_id)
    where cs.mode = $mode::varchar
      and cs.org_id = $org::varchar
),

checks as (
    select
        q.*,
        c.org_id,
        c.language_role,
        c.az_certified,
        case
            when not c.az_certified then 'not_az'
            when q.check_date <= s.window_start then 'before_window'
            when q.check_date > s.last_qcheck_date then 'after_window'
            else 'counted'
        end as why
    from qchecks as q
    inner join consultants as c using (consultant_ref)
    inner join status as s on s.org_id = c.org_id
)

select
    check_date,
    consultant_ref,
    language_role,
    az_certified,
    procedure_code,
    score_percent,
    why = 'counted' as counted,
    why,
    org_id
from checks
order by check_date desc, consultant_ref, procedure_code
