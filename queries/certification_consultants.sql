-- The consultants of one organisation ($org, within the filter and access scope): language
-- role, certificates (AZ, selection tests, assessment techniques, interview chair), PRO
-- Partner, their Q-checks counted in the 12-month window (the window written with the
-- status) and their own average, and the conditions that hang on them alone under $mode
-- (from certification_status.fragile_roles).
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

staff as (
    select consultants.*
    from consultants
    inner join status using (org_id)
),

counted as (
    select
        q.consultant_ref,
        count(*) as qchecks_counted,
        avg(q.score_percent) as own_average
    from qchecks as q
    inner join staff using (consultant_ref)
    inner join status using (org_id)
    where staff.az_certified
      and q.check_date > status.window_start
      and q.check_date <= status.last_qcheck_date
    group by q.consultant_ref
),

stakes as (
    select
        split_part(pair, ':', 2) as consultant_ref,
        string_agg(split_part(pair, ':', 1), ',') as stakes
    from (select unnest(string_split(fragile_roles, ',')) as pair from status)
    where pair <> ''
    group by split_part(pair, ':', 2)
)

select
    staff.consultant_ref,
    staff.org_id,
    staff.language_role,
    staff.az_certified,
    staff.tests_certified,
    staff.assessment_certified,
    staff.chair_certified,
    staff.pro_partner,
    coalesce(counted.qchecks_counted, 0) as qchecks_counted,
    counted.own_average,
    coalesce(stakes.stakes, '') as stakes
from staff
left join counted using (consultant_ref)
left join stakes using (consultant_ref)
order by staff.language_role, staff.consultant_ref
