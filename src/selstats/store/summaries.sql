-- Rebuild the summaries (store/schema/0002_summaries.sql, 0005_laureate_reserves.sql) from the tables they summarise; run
-- by the writer inside every write transaction, after everything else is written.

-- Rows in year order (then procedure and step), so that a year filter reads few row groups.
delete from step_facts;

insert into step_facts
select
    st.procedure_code,
    st.step_no,
    st.name as step_name,
    st.kind,
    st.max_score,
    st.pass_mark,
    st.pass_unit,
    st.top_n,
    st.rank_by_step,
    st.held_if_more_than,
    st.total_of_steps,
    st.total_pass_percent,
    st.eliminating,
    coalesce(ss.state, 'pending') as state,
    coalesce(ss.reached, 0) as reached,
    coalesce(ss.passed, 0) as passed,
    coalesce(ss.failed, 0) as failed,
    coalesce(ss.absent, 0) as absent,
    coalesce(ss.withdrawn, 0) as withdrawn,
    coalesce(ss.not_registered, 0) as not_registered,
    coalesce(ss.cut_off, 0) as cut_off,
    ps.applicants,
    ps_scope.org_id,
    ps_scope.org_name,
    ps_scope.government,
    ps_scope.level,
    ps_scope.year,
    ps_scope.diploma_level
from steps as st
inner join procedure_scope as ps_scope using (procedure_code)
left join step_states as ss using (procedure_code, step_no)
left join procedure_stats as ps using (procedure_code)
order by ps_scope.year nulls first, st.procedure_code, st.step_no;

delete from list_states;

-- Each laureate's own reserve runs from its first day (laureates.list_date) through its own
-- end or the laureate's later extension (an extension replaces the end when it is later,
-- selstats.rules.validity.valid_until); a list's periods group the laureates that share one.
insert into list_states by name
with per_laureate as (
    select
        la.procedure_code,
        la.list_date as valid_from,
        greatest(la.valid_until, le.extended_until) as valid_through,
        le.extended_until,
        coalesce(le.status, 'available') as status
    from laureates as la
    left join list_entries as le using (procedure_code, candidate_ref)
),

per_period as (
    select
        procedure_code,
        valid_from,
        valid_through,
        count(*)::integer as laureates,
        count(*) filter (where status = 'available')::integer as available
    from per_laureate
    group by procedure_code, valid_from, valid_through
),

periods as (
    select
        procedure_code,
        list(
            {
                'valid_from': valid_from,
                'valid_through': valid_through,
                'laureates': laureates,
                'available': available
            }
            order by valid_from, valid_through
        ) as periods
    from per_period
    group by procedure_code
),

per_list as (
    select
        procedure_code,
        min(valid_from) as first_day,
        max(extended_until) as latest_extension,
        count(*) filter (where status = 'available') as available,
        count(*) filter (where status = 'hired') as hired,
        count(*) filter (where status = 'declined') as declined,
        count(*) filter (where status = 'withdrawn') as withdrawn
    from per_laureate
    group by procedure_code
)

select
    li.procedure_code,
    li.list_date,
    li.validity_months,
    li.valid_until,
    li.ranked,
    li.size,
    case
        when li.valid_until is null or pl.latest_extension > li.valid_until
            then pl.latest_extension
    end as extended_until,
    greatest(li.valid_until, pl.latest_extension) as valid_through,
    coalesce(pl.available, 0) as available,
    coalesce(pl.hired, 0) as hired,
    coalesce(pl.declined, 0) as declined,
    coalesce(pl.withdrawn, 0) as withdrawn,
    coalesce(li.list_date, pl.first_day) as valid_from,
    coalesce(li.permanently_open, false) as permanently_open,
    pr.periods
from lists as li
left join per_list as pl using (procedure_code)
left join periods as pr using (procedure_code)
order by li.procedure_code;
