"""Chart builders: small functions that take a polars frame and return an altair chart, so
they can be tested without Streamlit. One module per page."""
