-- The recruitment funnel: one row per procedure and step, with who reached the step and
-- exactly one outcome for each of them:
-- reached = passed + failed + absent + withdrawn + not_registered + cut_off.
-- Reads step_facts (the writer keeps steps, step_states and procedure_stats joined there).
-- A step that was not held (conditional, too few candidates left) shows held = false and
-- state 'not_held'; a step without results yet shows state 'pending'.
-- After the contract columns: the step's state and rule (kind, pass mark, top-N,
-- conditional head count, total rule), then the conversion figures of held steps:
-- advance_rate = passed / reached of this step (who went on: not the pass rate of the
-- Pass rates page, which counts who met the mark among those who sat it), share_reached = reached / applicants and
-- conversion = passed / applicants, applicants being the candidates at the first step.
-- lost = reached - passed of a held step: who did not go on from it (failed, absent,
-- withdrawn, not registered or cut off; at the last step, who did not make the list), and
-- lost_share = lost / applicants, the drop-off as Ashby and Greenhouse show it.
select
    procedure_code,
    step_no,
    step_name,
    state = 'held' as held,
    reached,
    passed,
    failed,
    absent,
    withdrawn,
    not_registered,
    cut_off,
    state,
    kind,
    max_score,
    pass_mark,
    pass_unit,
    top_n,
    org_id,
    level,
    year,
    rank_by_step,
    held_if_more_than,
    total_of_steps,
    total_pass_percent,
    eliminating,
    applicants,
    case when state = 'held' then passed / nullif(reached, 0) end as advance_rate,
    case when state = 'held' then reached / nullif(applicants, 0) end as share_reached,
    case when state = 'held' then passed / nullif(applicants, 0) end as conversion,
    case when state = 'held' then reached - passed end as lost,
    case when state = 'held' then (reached - passed) / nullif(applicants, 0) end as lost_share
from scoped_step_facts(
    $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
    $levels::varchar[], $procs::varchar[], $allowed::varchar[]
)
order by procedure_code, step_no
