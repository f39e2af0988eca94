-- A list with laureates but no end yet (no list date: the procedure's list is not published)
-- has a period without its last day. Version 5's list_states_on judged such a period
-- `null` instead of not in force, and DuckDB refuses a null in list_where's mask, so every
-- query over the lists failed as soon as one such list was in the store. A period is in
-- force only on a day it is known to cover: without an end, it is 'open', not 'valid'
-- (reserve_validity), so not in force.
create or replace macro list_states_on(as_of) as table
select
    * exclude (periods, in_force),
    coalesce(list_sum(list_where([p.laureates for p in periods], in_force)), 0)::integer
        as laureates_valid,
    coalesce(list_sum(list_where([p.available for p in periods], in_force)), 0)::integer
        as available_valid,
    case
        when reserve_validity(valid_from, valid_through, as_of) <> 'valid'
            then reserve_validity(valid_from, valid_through, as_of)
        when permanently_open and not coalesce(list_bool_or(in_force), false) then 'expired'
        else 'valid'
    end as validity,
    valid_through - as_of as days_left
from (
    select
        *,
        [
            coalesce(
                (p.valid_from is null or p.valid_from <= as_of) and as_of <= p.valid_through,
                false
            )
            for p in periods
        ] as in_force
    from list_states
);
