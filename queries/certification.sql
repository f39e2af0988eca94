-- Each organisation's client certification: the conditions, the Q-check average against
-- the 80 % line, and whether it is at risk (holds client certification, no longer
-- qualifies). $mode picks the averaging the figure uses: all_checks | per_consultant.
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
)

select
    cs.org_id,
    cs.certification,
    cs.qualifies_client,
    cs.qcheck_average,
    cs.qcheck_average_per_consultant,
    cs.qcheck_count,
    cs.at_risk,
    cs.reasons,
    scope.name,
    scope.government,
    cs.qualifies_for,
    cs.mode
from certification_status as cs
inner join scope using (org_id)
where cs.mode = $mode::varchar
order by cs.at_risk desc, cs.qualifies_client, cs.org_id
