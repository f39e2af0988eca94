"""Serving many users: `selstats serve --workers N` runs N Streamlit processes behind nginx.

- `options.py`: the public address and port and the workers' options, from Streamlit's
- `nginx.conf`: the proxy's configuration template (websockets, sticky cookie, health,
  upload URLs kept out of the access log), filled in by
- `proxy.py`: the generated configuration and nginx as a child process
- `workers.py`: the workers on loopback ports, probed and restarted
- `process.py`: starting children that stop with the supervisor
- `supervisor.py`: all of it together until SIGTERM / SIGINT

`selstats.serve` is the entry point; with one worker (the default, `make run`) none of
this runs and Streamlit serves the public port itself.
"""
