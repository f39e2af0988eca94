"""Serve the dashboard: `selstats serve [--workers N] [STREAMLIT OPTIONS]`, which `make run`
runs.

One worker (the default): the same as `streamlit run app.py [STREAMLIT OPTIONS]`
(`--server.port 8501`, `--server.address 0.0.0.0`, ...; the settings in
.streamlit/config.toml apply), except that the process warms up while Streamlit starts
(`selstats.ui.warmup`): the modules the pages need are imported and the store opened before
the first browser asks for a page, instead of inside its first run. The benchmarks and the
browser tests start the server this way too.

`--workers N` (N > 1): this process becomes a supervisor that runs N such processes on
loopback ports behind nginx on the public port (`selstats.serving`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from selstats.ui import warmup

# As app.py's: whichever configures logging first wins.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def serve(options: Sequence[str] = (), workers: int = 1) -> NoReturn:
    """Run the dashboard until it is stopped; exits with Streamlit's (or, with several
    workers, the supervisor's) exit status."""
    # force: `selstats` configured logging for its other commands already.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, force=True)
    if workers > 1:
        from selstats.serving.supervisor import run

        sys.exit(run(workers, options))
    warmup.start()
    # Imported after the warm-up started: Streamlit's own import is ~0.5 s of the start.
    from streamlit.web import cli as streamlit_cli

    streamlit_cli.main(args=["run", str(warmup.APP), *options], prog_name="streamlit")
    sys.exit(0)  # click's main exits itself; this only tells the type checker


def main() -> NoReturn:
    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
