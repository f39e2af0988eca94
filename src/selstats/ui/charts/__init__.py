"""Chart builders: small functions that take a polars frame and return an altair chart, so
they can be tested without Streamlit. One module per page.

Channels are given as objects (`x2=alt.X2("high:Q")`, `text=alt.Text("label:N")`,
`stroke=alt.StrokeValue(...)`), not as strings or `alt.value(...)`: altair turns each of
those into an object by matching it against its whole schema, ~1.5 ms a channel on every
rerun of the page. Orders are sort fields, not lists of values (see `reserve_lists`)."""
