-- The index coefficients the salary page offers: every published coefficient with the date
-- it applies from, newest first (the first is the default). Reference data of no
-- organisation: no filter or access scope applies.
-- access: reference
select
    in_force_from,
    coefficient
from index_coefficients
order by in_force_from desc
