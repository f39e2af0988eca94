"""Where the project's folders are. selstats runs from its checkout (installed editable),
so queries/ and data/ are found next to src/."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_ROOT / "queries"
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
TEMPLATES_DIR = DATA_DIR / "templates"
DEFAULT_DB = DATA_DIR / "selstats.duckdb"
