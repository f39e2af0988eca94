-- selstats store, schema version 3: interview chairs among the certified staff.
--
-- "Interviews voorzitten" is one of the tasks an individually certified organisation takes on
-- with its own certified staff (BOSA DG R&O, source 004), so a consultant certified as
-- interview chair counts toward the 4 certified staff of client certification, like the AZ,
-- selection-tests and assessment-techniques certificates. Existing consultants are not chairs
-- until a `consultants` file says so.
alter table consultants add column chair_certified boolean not null default false;
