-- The organisations the demo switcher offers the HR role (selstats.ui.demo_role), with the
-- results their procedures hold: the switcher opens on the one with the most (the first by
-- name among equals), so that the HR view shows figures; many demo organisations have none.
with orgs as (
    select org_id, name
    from scoped_organisations([]::varchar[], []::varchar[], $allowed::varchar[])
),

results_per_org as (
    select
        procedures.org_id,
        count(*) as results
    from results
    inner join procedures on results.procedure_code = procedures.procedure_code
    group by procedures.org_id
)

select
    orgs.org_id,
    orgs.name,
    coalesce(results_per_org.results, 0) as results
from orgs
left join results_per_org on orgs.org_id = results_per_org.org_id
order by lower(orgs.name), orgs.org_id
