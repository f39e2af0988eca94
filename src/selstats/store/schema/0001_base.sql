-- selstats store, schema version 1.
-- Facts are imported; derived tables (marked "derived") are written by the store's
-- writer from the rules engine, never by hand, so pages read facts instead of recomputing.

create table if not exists meta (
    key varchar primary key,
    value varchar not null
);

create table if not exists organisations (
    org_id varchar primary key,
    name varchar not null,
    government varchar not null default 'federal',      -- federal | flemish | local
    certification varchar not null default 'none',      -- none | individual | client
    review_date date                                     -- last yearly review or certification date
);

create table if not exists procedures (
    procedure_code varchar primary key,
    org_id varchar not null,
    title varchar,
    level varchar,                  -- A..D or a class such as A2, B1, C1
    salary_scale varchar,
    language varchar,               -- nl | fr | de
    application_deadline date,
    places integer,
    list_max integer,               -- at most this many laureates; ties for the last place extend
    ranked boolean not null default true,
    validity_months integer,
    list_date date                  -- date the list of laureates was drawn up (end of procedure)
);

create table if not exists steps (
    procedure_code varchar not null,
    step_no integer not null,
    name varchar not null,
    kind varchar not null default 'screening',
    max_score double,               -- null: a pass/fail step
    pass_mark double,
    pass_unit varchar,              -- points | percent
    top_n integer,                  -- only the N best passers go on; ties at N extend
    rank_by_step integer,           -- the step whose score ranks for top_n (default: this step)
    held_if_more_than integer,      -- conditional: held only when more candidates reach it
    total_of_steps varchar,         -- e.g. '2,3': a total rule over these steps
    total_pass_percent double,      -- pass mark of that total, in percent of the summed maxima
    eliminating boolean not null default true,  -- false: those who fail it still go on
    primary key (procedure_code, step_no)
);

-- One row per candidate and step the candidate took part in (or was called to).
create table if not exists results (
    procedure_code varchar not null,
    candidate_ref varchar not null,
    step_no integer not null,
    score double,
    outcome_given varchar,          -- as imported (normalised), may be null
    outcome varchar not null,       -- derived: passed | failed | absent | withdrawn | not_registered | cut_off
    result_date date
);

-- derived: state of each step of each procedure that has results
create table if not exists step_states (
    procedure_code varchar not null,
    step_no integer not null,
    state varchar not null,         -- held | not_held (conditional, below its head count) | pending
    reached integer not null,
    passed integer not null,
    failed integer not null,
    absent integer not null,
    withdrawn integer not null,
    not_registered integer not null,
    cut_off integer not null,
    primary key (procedure_code, step_no)
);

-- derived: the list of laureates / recruitment reserve, one row per laureate
create table if not exists laureates (
    procedure_code varchar not null,
    candidate_ref varchar not null,
    final_score double,
    rank integer                    -- null when the list is not ranked
);

-- imported: what became of each laureate (default: available)
create table if not exists list_entries (
    procedure_code varchar not null,
    candidate_ref varchar not null,
    status varchar not null default 'available',   -- available | hired | declined | withdrawn
    status_date date,
    extended_until date
);

create table if not exists consultants (
    consultant_ref varchar primary key,
    org_id varchar not null,
    language_role varchar not null,                 -- nl | fr
    az_certified boolean not null default false,
    tests_certified boolean not null default false,
    pro_partner boolean not null default false,
    assessment_certified boolean not null default false
);

create table if not exists qchecks (
    consultant_ref varchar not null,
    procedure_code varchar not null,
    check_date date not null,
    score_percent double not null,
    primary key (consultant_ref, procedure_code, check_date)
);

-- reference data, loaded from data/ on every store build and by `selstats check`
create table if not exists salary_scales (
    scale varchar not null,
    level varchar not null,
    government varchar not null,
    annual_min_100 double,          -- null: not known, never invented
    annual_max_100 double,
    note varchar,
    primary key (scale, government)
);

-- reference data: salary amounts as the vacancy postings published them
-- (data/reference/salary_postings.csv), to check the scales at 100 %
create table if not exists salary_postings (
    posting varchar not null,       -- the posting's procedure code
    org_id varchar not null,
    scale varchar not null,
    government varchar not null,
    published_amount double,        -- null: not published, never invented
    period varchar,                 -- annual | monthly
    bound varchar,                  -- min | max
    coefficient double,             -- the index coefficient the posting applied
    source_year integer,
    note varchar
);

create table if not exists index_coefficients (
    in_force_from date primary key,
    coefficient double not null,
    note varchar
);

create table if not exists national_figures (
    year integer primary key,
    vacancies integer,
    applicants integer,
    tested integer,
    laureates integer
);

create table if not exists import_log (
    import_id varchar not null,
    imported_at timestamp not null,
    imported_by varchar,
    file_name varchar not null,
    table_name varchar not null,
    sha256 varchar not null,
    rows integer not null
);

-- derived: each organisation's certification status, once per Q-check averaging mode
create table if not exists certification_status (
    org_id varchar not null,
    mode varchar not null,          -- all_checks | per_consultant
    certification varchar not null,
    qualifies_for varchar not null, -- none | individual | client
    qualifies_client boolean not null,
    qcheck_average double,
    qcheck_average_per_consultant double,
    qcheck_count integer not null,
    at_risk boolean not null,
    reasons varchar not null,       -- comma-separated reason codes, '' when none
    qcheck_figure double,           -- the average the 80 % test used, per mode
    last_qcheck_date date,          -- the organisation's last counted Q-check
    window_start date,              -- counted: window_start < check_date <= last_qcheck_date
    review_date date,               -- last yearly review or certification (organisations)
    next_review date,               -- review_date + 12 months
    would_fail_review boolean,      -- holds a level it does not qualify for today
    certified_staff integer,        -- staff counts the rules use
    az_nl integer,
    az_fr integer,
    tests_nl integer,
    tests_fr integer,
    pro_partners integer,
    gaps varchar,                   -- to the next level: 'code=amount' comma-separated, '' when none
    fragile_roles varchar,          -- 'stake:consultant_ref' comma-separated, '' when none
    recent_average double,          -- mean of the counted checks of the window's last 3 months
    checks_needed_at_recent integer,  -- further checks at recent_average to reach 80 %; null: never
    checks_needed_at_100 integer,     -- further checks at 100 %; 0 when the line is met
    min_score_for_one_more double,    -- score one more check needs to reach 80 %; null: met or out of reach
    primary key (org_id, mode)
);

-- derived: each procedure's list of laureates / recruitment reserve as a whole
create table if not exists lists (
    procedure_code varchar primary key,
    list_date date,
    validity_months integer,
    valid_until date,               -- last day of use before any extension; null while open
    ranked boolean not null,
    size integer not null
);

-- A procedure with its organisation and its year: the year of its application deadline,
-- else of its list date; null for a permanently open procedure with no list yet.
create or replace view procedure_scope as
select
    p.*,
    o.name as org_name,
    o.government,
    coalesce(year(p.application_deadline), year(p.list_date)) as year
from procedures p
join organisations o using (org_id);

-- The scope macros over procedure_scope and organisations (scoped_procedures,
-- scoped_organisations) are defined in ../scope.sql, applied after every migration.

-- derived: one row per procedure with results, the figures the overview adds up
create table if not exists procedure_stats (
    procedure_code varchar primary key,
    applicants integer not null,    -- candidates at the procedure's first step
    tested integer not null,        -- candidates who sat at least one scored test
    laureates integer not null
);

-- Changes to the store itself (retention runs), written in the same transaction as the
-- change. Frequent events (logins, downloads) go to the file <store>.audit.jsonl instead:
-- see src/selstats/access/audit.py.
create table if not exists audit_log (
    logged_at timestamp not null,
    event varchar not null,         -- retention | import | ...
    username varchar,
    detail varchar                  -- JSON: what was done, with which parameters
);

-- Procedures whose candidate-level rows (results, laureates, list_entries) `selstats purge`
-- removed. Their derived figures (step_states, procedure_stats, lists) are kept and never
-- re-derived (see StoreWriter.replace_derived): without results the rules would wipe them.
create table if not exists purges (
    procedure_code varchar primary key,
    purged_at timestamp not null,
    expired_on date,                -- first day the list could no longer be used
    months integer not null,        -- the retention period applied
    results integer not null,       -- rows removed
    laureates integer not null,
    list_entries integer not null
);

-- Each list as the reserve-list figures see it: its own last day (valid_until), the latest
-- extension of one of its laureates when that is later (extended_until), the last day any
-- of its laureates can still be used (valid_through, the later of the two; null while the
-- list is open), and what became of its laureates.
create or replace view list_states as
with per_list as (
    select
        la.procedure_code,
        max(le.extended_until) as latest_extension,
        count(*) filter (where coalesce(le.status, 'available') = 'available') as available,
        count(*) filter (where le.status = 'hired') as hired,
        count(*) filter (where le.status = 'declined') as declined,
        count(*) filter (where le.status = 'withdrawn') as withdrawn
    from laureates as la
    left join list_entries as le using (procedure_code, candidate_ref)
    group by la.procedure_code
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
    coalesce(pl.withdrawn, 0) as withdrawn
from lists as li
left join per_list as pl using (procedure_code);
