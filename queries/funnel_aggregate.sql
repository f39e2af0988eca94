-- The funnel summed over every procedure in the filter, one row per step number: how many
-- procedures have a step with that number and in which state, and the candidates who
-- reached it with their outcomes (sums of step_facts). Steps differ between procedures
-- (step 2 may be a written test in one and a screening in another): `kinds` lists what the
-- step is across the procedures. share_reached and conversion divide by all applicants
-- (candidates at the first step) of the procedures in the filter; they are null for a step
-- number no procedure has held yet. lost = reached - passed (who did not go on from the
-- step, summed over the procedures) and lost_share = lost / applicants, for a step number
-- held somewhere.
with positions as (
    select *
    from scoped_step_facts(
        $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
        $levels::varchar[], $procs::varchar[], $allowed::varchar[]
    )
),

applicants as (
    -- every step row of a procedure carries the procedure's applicants: count them once
    select cast(sum(per_procedure.applicants) as bigint) as applicants
    from (
        select any_value(positions.applicants) as applicants
        from positions
        group by positions.procedure_code
    ) as per_procedure
),

per_step as (
    select
        step_no,
        count(*) as procedures_with_step,
        count(*) filter (where state = 'held') as held_in,
        count(*) filter (where state = 'not_held') as not_held_in,
        count(*) filter (where state = 'pending') as pending_in,
        cast(sum(reached) as bigint) as reached,
        cast(sum(passed) as bigint) as passed,
        cast(sum(failed) as bigint) as failed,
        cast(sum(absent) as bigint) as absent,
        cast(sum(withdrawn) as bigint) as withdrawn,
        cast(sum(not_registered) as bigint) as not_registered,
        cast(sum(cut_off) as bigint) as cut_off,
        list(distinct kind order by kind) as kinds
    from positions
    group by step_no
)

select
    per_step.step_no,
    per_step.procedures_with_step,
    per_step.held_in,
    per_step.not_held_in,
    per_step.pending_in,
    per_step.reached,
    per_step.passed,
    per_step.failed,
    per_step.absent,
    per_step.withdrawn,
    per_step.not_registered,
    per_step.cut_off,
    per_step.passed / nullif(per_step.reached, 0) as advance_rate,
    case when per_step.held_in > 0 then per_step.reached / nullif(applicants.applicants, 0) end
        as share_reached,
    case when per_step.held_in > 0 then per_step.passed / nullif(applicants.applicants, 0) end
        as conversion,
    case when per_step.held_in > 0 then per_step.reached - per_step.passed end as lost,
    case when per_step.held_in > 0
        then (per_step.reached - per_step.passed) / nullif(applicants.applicants, 0) end
        as lost_share,
    applicants.applicants,
    per_step.kinds
from per_step
cross join applicants
order by per_step.step_no
