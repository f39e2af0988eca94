"""selstats: recruitment statistics for Belgian public-sector selection procedures."""
