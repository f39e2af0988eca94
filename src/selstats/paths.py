"""Where the project's folders are, in a checkout and in an installed wheel.

- Package data: `queries/` (one SQL file per figure) and `data/reference/` (the reference
  CSVs). In a checkout (an editable install, `scripts/setup.sh`) they are read where people
  edit them, at the top of the repository. A built wheel carries the same files inside the
  package, as `selstats/_data/queries` and `selstats/_data/reference` (hatch's
  `force-include` in pyproject.toml), read through `importlib.resources`.
- The project folder (`PROJECT_ROOT`): the checkout; for an installed wheel, the working
  directory, where the deployment keeps `data/selstats.duckdb`, `data/.pseudonym.key`,
  `users.toml` and `.streamlit/config.toml` unless the settings say otherwise.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Final

_CHECKOUT: Final = Path(__file__).resolve().parents[2]
# Run from the source tree (an editable install, or deploy/Dockerfile's /app/src): queries/
# beside src/.
IN_CHECKOUT: Final = (_CHECKOUT / "queries").is_dir()
PACKAGED_DATA: Final = "_data"  # the folder of package data inside an installed wheel


def package_data(name: str, checkout: Path) -> Path:
    """The folder `name` of the package data: `checkout` in a checkout, else the copy the
    wheel carries (`selstats/_data/<name>`). A folder on disk either way: selstats is never
    run from a zip."""
    if IN_CHECKOUT:
        return checkout
    packaged = files("selstats") / PACKAGED_DATA / name
    if not isinstance(packaged, Path) or not packaged.is_dir():
        raise FileNotFoundError(f"selstats is installed without its {name}/ folder ({packaged})")
    return packaged


PROJECT_ROOT: Final = _CHECKOUT if IN_CHECKOUT else Path.cwd()
QUERIES_DIR: Final = package_data("queries", _CHECKOUT / "queries")
REFERENCE_DIR: Final = package_data("reference", _CHECKOUT / "data" / "reference")
DATA_DIR: Final = PROJECT_ROOT / "data"
DEFAULT_DB: Final = DATA_DIR / "selstats.duckdb"
