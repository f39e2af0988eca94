"""Placeholder page: its title and "coming soon", until the page is written."""

import streamlit as st

from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import t

current_filters()
page_title("explore")
st.info(t("common.coming_soon"))
