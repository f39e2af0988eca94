"""Explore and export: any table the pages show, under the sidebar filters, filtered further
per column and downloaded exactly as shown (the same query and parameters as
`selstats export`; labels, values and definitions from the figure catalogue); importing
files; the import log."""

import streamlit as st

from selstats import query
from selstats.access.roles import Permission
from selstats.i18n.format import fmt_int, fmt_num
from selstats.store.connection import db_path
from selstats.tables import EXPORT_TABLES, Scope, table_params
from selstats.ui.audit_view import render_audit_log
from selstats.ui.column_filters import column_filters
from selstats.ui.db import cached_query, get_connection
from selstats.ui.frame import current_access, current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import date_format, show_table
from selstats.ui.table_filter import apply_filters
from selstats.ui.upload import import_panel, may_import, may_see_import_log
from selstats.ui.url_choice import UrlChoice

filters = current_filters()
page_title("explore")
lang = current_lang()

# ---- a table, as `selstats export` writes it under the sidebar filters ------------------
# The options are the tables' own names, as `selstats export` takes them (the URL keeps the
# chosen one, `/explore?table=laureates`, in every language), shown by their names.
tables = list(EXPORT_TABLES)
table_choice = UrlChoice(key="table", param="table")
table_choice.seed(tables, default=tables[:1])
table = st.selectbox(
    t("explore.table"),
    tables,
    format_func=lambda name: t(f"explore.tables.{name}"),
    key=table_choice.key,
    help=t("explore.table_help"),
)
table_choice.keep([table], default=tables[:1])
used = query.used_params(query.load_sql(EXPORT_TABLES[table]))
as_of = None
if "as_of" in used:
    as_of = st.date_input(
        t("explore.as_of"),
        value="today",
        key="as_of",
        bind="query-params",
        format=date_format(lang),
        help=t("explore.as_of_help"),
        width=220,
    )
params = table_params(get_connection(), Scope(**filters.params()), as_of=as_of)
if "mode" in used:
    st.caption(t("explore.mode_note", mode=t(f"certification.mode.{params['mode']}")))
if "coefficient" in used:
    st.caption(t("explore.coefficient_note", coefficient=fmt_num(params["coefficient"], lang, 4)))
# export_table's query with export_table's parameters, read through cached_query, which
# also narrows it to what the logged-in user may see (selstats.access).
frame = cached_query(EXPORT_TABLES[table], **params)

# ---- filtered further, shown, downloaded -----------------------------------------------
shown = apply_filters(frame, column_filters(frame, key=f"explore_{table}"))
st.caption(t("explore.rows", shown=fmt_int(shown.height, lang), total=fmt_int(frame.height, lang)))
if shown.is_empty():
    st.info(t("explore.empty" if frame.is_empty() else "explore.empty_filtered"))
else:
    detail = {"table": table, **filters.params()}
    show_table(shown, key="explore", download=table, detail=detail)
    st.caption(t("explore.download_note", table=table))

# ---- import ----------------------------------------------------------------------------
access = current_access()
st.subheader(t("explore.import_title"))
if may_import(access):
    st.caption(t("explore.import_intro"))
    import_panel(db_path(), key="explore_import")
else:
    st.info(t("explore.import_not_allowed"))
with st.expander(t("explore.import_log")):
    log = cached_query("import_log") if may_see_import_log(access) else None
    if log is None:
        st.info(t("explore.import_log_not_allowed"))
    elif log.is_empty():
        st.info(t("explore.import_log_empty"))
    else:
        show_table(log, key="import_log")

if access.may(Permission.VIEW_AUDIT):
    with st.expander(t("access.audit_title")):
        render_audit_log()
