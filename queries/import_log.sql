-- The import log: one row per file imported (who, when, which file into which table, how
-- many rows, its SHA-256 checksum), newest first. It belongs to no organisation, so it has
-- no access scope of its own: the page shows it only to users who may import or audit
-- (selstats.ui.upload.may_see_import_log).
-- access: audit
select
    imported_at,
    imported_by,
    file_name,
    table_name,
    rows as rows_imported,
    sha256,
    import_id
from import_log
order by imported_at desc, file_name
