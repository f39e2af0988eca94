-- selstats store, schema version 4: salary scales of one organisation, index coefficients and
-- rounding per government, and the diploma level (A, B, C, D) of every procedure.
-- It touches only the salary, coefficient and level tables, so it applies
-- before or after any other version-3 change.
--
-- Reference tables are the shipped files' (data/reference/*.csv) and are replaced on the next
-- import; the rows an older store holds are kept here as well as they can be, each saying so.

-- reference data: a salary scale belongs to a whole government (org_id null: federal,
-- Flemish) or to the one organisation that set it (a local government's own scale).
-- A local scale of an older store goes to the organisation whose posting names it.
create or replace table salary_scales_v4 (
    scale varchar not null,
    level varchar not null,
    government varchar not null,
    org_id varchar,                 -- null: the scale of the whole government
    annual_min_100 double,          -- null: not known, never invented
    annual_max_100 double,
    source varchar not null,        -- publication and date (URL) of the amounts, or "no ... found"
    note varchar
);

insert into salary_scales_v4
select
    ss.scale,
    ss.level,
    ss.government,
    case
        when ss.government = 'local'
            then (
                select min(sp.org_id)
                from salary_postings as sp
                where sp.scale = ss.scale and sp.government = ss.government
            )
    end as org_id,
    ss.annual_min_100,
    ss.annual_max_100,
    'Kept from a store of an older schema; replaced by data/reference on the next import.',
    ss.note
from salary_scales as ss;

drop table salary_scales;

alter table salary_scales_v4 rename to salary_scales;

-- reference data: each government applies a coefficient from its own month.
-- An older store had one date for all: it is kept for each government.
create or replace table index_coefficients_v4 (
    government varchar not null,    -- federal | flemish | local
    in_force_from date not null,
    coefficient double not null,
    source varchar not null,        -- publication and date (URL), or "no source found; assumed ..."
    note varchar,
    primary key (government, in_force_from)
);

insert into index_coefficients_v4
select
    g.government,
    ic.in_force_from,
    ic.coefficient,
    'Kept from a store of an older schema (one date for every government); replaced by '
    || 'data/reference on the next import.',
    ic.note
from index_coefficients as ic
cross join (values ('federal'), ('flemish'), ('local')) as g (government);

drop table index_coefficients;

alter table index_coefficients_v4 rename to index_coefficients;

-- reference data: the posting each published amount comes from
alter table salary_postings add column if not exists source varchar;

-- reference data: how the government that pays an amount brings it to the cent
create table if not exists salary_rounding (
    government varchar primary key,
    annual_rounding varchar not null,   -- truncate | half_up
    monthly_rounding varchar not null,  -- truncate | half_up
    source varchar not null,
    note varchar
);

-- reference data: the diploma level (A, B, C, D) a level, class, rank or scale asks.
-- `pattern` is a regular expression the whole level matches, case-insensitively; a row of an
-- organisation (org_id) wins over the rows of its government.
create table if not exists diploma_levels (
    government varchar not null,
    org_id varchar,
    pattern varchar not null,
    diploma_level varchar not null,     -- A | B | C | D
    source varchar not null,
    note varchar
);

-- The diploma level of every level that a procedure or a salary scale holds, per government
-- and organisation (org_id null: a scale of a whole government). The patterns are matched
-- once per distinct level, not once per procedure. A level no pattern matches has no row (its
-- diploma level is unknown); of overlapping patterns (the reference loader refuses them) the
-- first diploma level in the alphabet is taken, so the answer is always the same.
create or replace view level_diplomas as
with level_keys as (
    select distinct
        o.government,
        p.org_id,
        p.level
    from procedures as p
    inner join organisations as o using (org_id)
    where p.level is not null

    union

    select distinct
        government,
        org_id,
        level
    from salary_scales
),

matches as (
    select
        k.government,
        k.org_id,
        k.level,
        dl.diploma_level,
        dl.org_id is not null as own_rule
    from level_keys as k
    inner join diploma_levels as dl
        on
            dl.government = k.government
            and (dl.org_id is null or dl.org_id = k.org_id)
            and regexp_full_match(k.level, dl.pattern, 'i')
)

select
    government,
    org_id,
    level,
    coalesce(min(diploma_level) filter (where own_rule), min(diploma_level)) as diploma_level
from matches
group by government, org_id, level;

-- A procedure with its organisation, its year (as in version 1) and its diploma level.
create or replace view procedure_scope as
select
    p.*,
    o.name as org_name,
    o.government,
    coalesce(year(p.application_deadline), year(p.list_date)) as year,
    ld.diploma_level
from procedures as p
inner join organisations as o using (org_id)
left join level_diplomas as ld
    on ld.government = o.government and ld.org_id = p.org_id and ld.level = p.level;

-- derived (summaries.sql): each step's procedure's diploma level
alter table step_facts add column if not exists diploma_level varchar;

-- The scope macros filter `levels` on the DIPLOMA level (A, B, C, D) from this version on:
-- the filter on "C" takes federal level C, a Flemish rank C1 and a local scale C1-C3 alike.
-- They are defined in ../scope.sql, applied after every migration.
