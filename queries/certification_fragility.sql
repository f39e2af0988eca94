-- Organisations that qualify for client certification under $mode only thanks to one
-- person: one row per consultant and condition (the stake, a reason code) that would fail
-- if that consultant left, taking their Q-checks along. Written with the status as
-- 'stake:consultant_ref' pairs (certification_status.fragile_roles).
-- One row per consultant: person-level rows, shown only to roles that see candidates.
-- access: candidates
with scope as (
    select * from scoped_organisations($govs::varchar[], $orgs::varchar[], $allowed::varchar[])
),

status as (
    select cs.*
    from certification_status as cs
    where cs.mode = $mode::varchar
      and cs.qualifies_client
      and cs.fragile_roles <> ''
),

pairs as (
    select
        org_id,
        unnest(string_split(fragile_roles, ',')) as pair,
        generate_subscripts(string_split(fragile_roles, ','), 1) as position
    from status
)

select
    pairs.org_id,
    scope.name as org_name,
    split_part(pairs.pair, ':', 1) as stake,
    split_part(pairs.pair, ':', 2) as consultant_ref,
    consultants.language_role,
    status.certification,
    status.mode
from pairs
inner join scope using (org_id)
inner join status using (org_id)
left join consultants on consultants.consultant_ref = split_part(pairs.pair, ':', 2)
order by scope.name, pairs.org_id, pairs.position
