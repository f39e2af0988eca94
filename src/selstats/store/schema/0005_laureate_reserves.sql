-- selstats store, schema version 5: each laureate's own reserve.
--
-- A laureate can be drawn from a list only while their own reserve is valid: from the list
-- date through the list's end or their later extension. A permanently open procedure (no
-- application deadline, no list date: Opgroeien req16131) has no single list date: each
-- laureate's reserve runs from the end of their own procedure, the date of their latest
-- result (selstats.rules.validity), so it expires, and is extended, laureate by laureate.
-- The reserve-list pages count available laureates only where that reserve is valid on the
-- chosen date, from list_states' periods (a handful per list) instead of every laureate.
--
-- Touches laureates, lists and list_states only (independent of versions 3 and 4).

-- derived: the laureate's own reserve, written by the rules engine (laureate_reserves):
-- its first day (the list date; for a permanently open procedure the laureate's latest
-- result date) and its last day before any extension (null while it has no start).
alter table laureates add column if not exists list_date date;
alter table laureates add column if not exists valid_until date;

-- derived: a permanently open procedure's reserve; its valid_until is then the latest of its
-- laureates' own ends.
alter table lists add column if not exists permanently_open boolean default false;

-- A store of an earlier version: the same values from what it holds, by the rule of
-- selstats.rules.validity written out once here (the rules engine writes them from now on;
-- tests/store/test_summaries.py checks this copy against it, 29 February included).
update lists
set permanently_open = (p.application_deadline is null and p.list_date is null)
from procedures as p
where p.procedure_code = lists.procedure_code;

update laureates
set list_date = starts.list_date
from (
    select
        la.procedure_code,
        la.candidate_ref,
        case when li.permanently_open then last.result_date else li.list_date end as list_date
    from laureates as la
    inner join lists as li using (procedure_code)
    left join (
        select procedure_code, candidate_ref, max(result_date) as result_date
        from results
        group by procedure_code, candidate_ref
    ) as last using (procedure_code, candidate_ref)
) as starts
where starts.procedure_code = laureates.procedure_code
    and starts.candidate_ref = laureates.candidate_ref;

-- The day before the anniversary; when the anniversary day does not exist (DuckDB then
-- stops at the month's last day), the month's last day itself.
update laureates
set valid_until = ends.valid_until
from (
    select
        la.procedure_code,
        la.candidate_ref,
        case
            when not li.permanently_open then li.valid_until
            when la.list_date is null or li.validity_months is null then null
            when day(la.list_date + to_months(li.validity_months)) = day(la.list_date)
                then (la.list_date + to_months(li.validity_months))::date - 1
            else (la.list_date + to_months(li.validity_months))::date
        end as valid_until
    from laureates as la
    inner join lists as li using (procedure_code)
) as ends
where ends.procedure_code = laureates.procedure_code
    and ends.candidate_ref = laureates.candidate_ref;

update lists
set valid_until = own.valid_until
from (
    select procedure_code, max(valid_until) as valid_until
    from laureates
    group by procedure_code
) as own
where own.procedure_code = lists.procedure_code and lists.permanently_open;

-- derived (summaries.sql): each list as the reserve-list figures see it, as in version 2,
-- with the first day any laureate can be drawn from it (valid_from: the list date, or a
-- permanently open procedure's first laureate's), whether it is a permanently open one, and
-- its laureates grouped by their own reserve period (periods: first day, last day with the
-- extension, how many laureates, how many of them still available). One period for an
-- ordinary list, a few more with extensions, about one per laureate for a permanently open
-- procedure: a page judges them on its date without reading every laureate.
drop table if exists list_states;

create table list_states (
    procedure_code varchar not null,
    list_date date,
    validity_months integer,
    valid_until date,
    ranked boolean not null,
    size integer not null,
    extended_until date,
    valid_through date,
    available integer not null,     -- laureates with status available, reserve valid or not
    hired integer not null,
    declined integer not null,
    withdrawn integer not null,
    valid_from date,
    permanently_open boolean not null,
    periods struct(valid_from date, valid_through date, laureates integer, available integer)[]
);

-- One reserve (a list, or one laureate's) running from valid_from through valid_through on
-- `as_of` (selstats.rules.validity.validity_on): 'open' without an end, 'not_started' before
-- its first day, 'valid' through its last day, then 'expired'.
create or replace macro reserve_validity(valid_from, valid_through, as_of) as
    case
        when valid_through is null then 'open'
        when as_of < valid_from then 'not_started'
        when as_of <= valid_through then 'valid'
        else 'expired'
    end;

-- Every list on `as_of`: its list_states row with the laureates whose own reserve is valid
-- that day (laureates_valid) and the available ones among them (available_valid), its
-- validity and the days from `as_of` to its last day (negative once expired). A permanently
-- open procedure's list is valid while at least one laureate's reserve is. The periods are
-- judged once (in_force: reserve_validity's 'valid' written out, which plans faster than the
-- macro inside a list comprehension).
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
            (p.valid_from is null or p.valid_from <= as_of) and as_of <= p.valid_through
            for p in periods
        ] as in_force
    from list_states
);
