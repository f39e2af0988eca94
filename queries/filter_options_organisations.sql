-- The organisations the organisation filter offers: those of the chosen governments
-- ($govs, empty = all) that the user may see.
select
    org_id,
    name,
    government
from scoped_organisations($govs::varchar[], []::varchar[], $allowed::varchar[])
order by lower(name), org_id
