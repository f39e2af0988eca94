"""Placeholder Streamlit entry point; the real app frame replaces this file."""

import streamlit as st

st.set_page_config(page_title="selstats")
st.title("selstats")
