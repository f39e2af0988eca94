"""When the URL's values replace the widgets' values (see selstats.ui.state)."""

from __future__ import annotations

from selstats.ui.state import url_takes_over


def test_first_run_takes_the_url_even_empty() -> None:
    assert url_takes_over(None, {"orgs": ["BELNET"]})
    assert url_takes_over(None, {})


def test_page_switch_clears_the_url_and_the_widgets_keep_their_values() -> None:
    assert not url_takes_over({"orgs": ["BELNET"]}, {})


def test_the_url_the_app_wrote_changes_nothing() -> None:
    assert not url_takes_over({"orgs": ["BELNET"], "govs": []}, {"orgs": ["BELNET"]})


def test_other_values_in_the_url_take_over() -> None:
    # browser back/forward, or a st.page_link with query_params
    assert url_takes_over({"orgs": ["BELNET"]}, {"orgs": ["VDAB"]})
    assert url_takes_over({"orgs": ["BELNET"], "govs": ["federal"]}, {"orgs": ["BELNET"]})
