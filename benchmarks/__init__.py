"""`make bench`: speed and memory of selstats at national scale, side by side with the
alternatives (hand-written SQL, pandas on Parquet, DuckDB's own CSV reader and writer).

Run `python -m benchmarks` (`--quick`, `--only NAME`); how to read the table: README.md.
Nothing here is imported by the package or asserted by the test suite.
"""
