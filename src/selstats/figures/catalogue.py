"""The figure catalogue: every column a page, chart, table, download or `selstats export`
shows is declared once, in `definitions/*.toml`, with its name, where it is computed, its
unit, its small-cell rule, and its label and one-sentence definition in Dutch, French and
English. Nothing else names a figure: pages, tooltips, table headers, Explore, downloads and
the Definitions page read it from here.

A figure's name IS its column name, in every query that returns it; two figures that differ
have two names (a test runs every query and checks that each column is declared here, with
the queries that compute it, and that a rate equals its numerator / denominator wherever
both are returned). An entry in `definitions/<area>.toml`:

    [advance_rate]
    unit = "rate"                          # see Unit
    queries = ["funnel", "funnel_aggregate"]   # the queries/*.sql that return this column
    ratio = ["passed", "reached"]          # a rate: numerator / denominator, both figures
    privacy = "rate"                       # see Privacy
    [advance_rate.nl]
    label = "Doorstroom"
    definition = "Wie de stap bereikte en doorging naar de volgende: geslaagd / bereikt."
    [advance_rate.fr]  ...
    [advance_rate.en]  ...

Optional keys: `derived_in` (the module that computes a column no query returns, e.g. a
rule written in words), `values` (for a category: the i18n table whose keys are the
codes, so `t(f"{values}.{code}")` names a value), `decimals` (display precision),
`reference` (the data/reference file whose rows cite the sources of the values),
`sum_of` (a count that is the sum of other counts in every row that returns them all:
`sum_of = ["passed", "failed", "cut_off"]` on `sat`; the disclosure control of
`selstats.access.disclosure` reads these relations, and a test checks they hold wherever
a query returns all their terms).

This module imports neither Streamlit nor the UI: the store, the access policy and the
exports use it too.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Final

LANGUAGES: Final = ("nl", "fr", "en")
DEFINITIONS_DIR: Final = Path(__file__).parent / "definitions"


class Unit(StrEnum):
    """What a figure's values are, which decides how they are written."""

    COUNT = "count"  # people or things counted: 1.234
    RATE = "rate"  # a ratio between 0 and 1, written as a percentage: 27,5 %
    PERCENT = "percent"  # a value already in percent (a Q-check score): 78,53 %
    DAYS = "days"  # a duration in days: 32,5
    EURO = "euro"  # € 33.072,00
    SCORE = "score"  # points on a step: 12,5
    COEFFICIENT = "coefficient"  # an index coefficient: 2,1647
    DATE = "date"  # 30/05/2023 (nl, fr), 2023-05-30 (en)
    DATETIME = "datetime"  # 30/05/2023 14:05
    YEAR = "year"  # 2024, never 2.024
    NUMBER = "number"  # an ordinal or a setting (step number, top N): no grouping
    CODE = "code"  # an identifier shown as it is (procedure code, organisation id)
    TEXT = "text"  # free text (a name, a title, a rule written in words)
    LINK = "link"  # a web address
    CATEGORY = "category"  # a code with a translated name per value
    CATEGORIES = "categories"  # a list of such codes
    # codes each paired with a reference, "code:ref" comma-separated ("no_pro_partner:CA5"):
    # the code named, the reference as it is
    CATEGORY_REFS = "category_refs"
    FLAG = "flag"  # yes / no


# Units whose value is a list of named codes (reasons, fragile roles): written out in words,
# wrapped in a table rather than clipped.
LIST_UNITS: Final = frozenset({Unit.CATEGORIES, Unit.CATEGORY_REFS})


class Privacy(StrEnum):
    """The figure's small-cell rule (`selstats.access.suppression`)."""

    NONE = "none"  # not about few people: shown as it is
    COUNT = "count"  # counts people: below the threshold shown as "<5" to roles that need it
    RATE = "rate"  # computed from counts: hidden where its numerator or denominator is
    PERSON = "person"  # names a person (pseudonymised): only for roles that see candidates
    EXACT = "exact"  # detail that gives a small count back (a gap of 2 to 4 certified staff):
    # left out (null) wherever small counts are hidden


@dataclass(frozen=True)
class Texts:
    label: str
    definition: str


@dataclass(frozen=True)
class Figure:
    name: str
    unit: Unit
    queries: tuple[str, ...]
    texts: Mapping[str, Texts]
    area: str  # the definitions file it is declared in
    privacy: Privacy = Privacy.NONE
    ratio: tuple[str, str] | None = None
    values: str | None = None
    derived_in: str | None = None
    decimals: int | None = None
    reference: str | None = None
    sum_of: tuple[str, ...] = ()  # a count that is the sum of these counts, in any row

    def label(self, lang: str) -> str:
        return self.texts[lang if lang in self.texts else LANGUAGES[0]].label

    def definition(self, lang: str) -> str:
        return self.texts[lang if lang in self.texts else LANGUAGES[0]].definition


class CatalogueError(ValueError):
    """A definitions file that breaks the catalogue's rules; the message names file and
    entry."""


class UnknownFigure(KeyError):
    """A column with no entry in the catalogue."""

    def __str__(self) -> str:
        return (
            f"{self.args[0]!r} is not in the figure catalogue: declare it in "
            "src/selstats/figures/definitions/<area>.toml"
        )


_KEYS: Final = frozenset(
    {
        "unit",
        "queries",
        "privacy",
        "ratio",
        "values",
        "derived_in",
        "decimals",
        "reference",
        "sum_of",
    }
    | set(LANGUAGES)
)


def _figure(area: str, name: str, entry: Mapping[str, object]) -> Figure:
    where = f"definitions/{area}.toml, [{name}]"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {unknown}")
    try:
        unit = Unit(str(entry["unit"]))
        privacy = Privacy(str(entry.get("privacy", Privacy.NONE.value)))
    except (KeyError, ValueError) as error:
        raise CatalogueError(f"{where}: unit or privacy missing or unknown ({error})") from None
    texts: dict[str, Texts] = {}
    for lang in LANGUAGES:
        text = entry.get(lang)
        if not isinstance(text, Mapping) or not text.get("label") or not text.get("definition"):
            raise CatalogueError(f"{where}: [{name}.{lang}] needs a label and a definition")
        texts[lang] = Texts(str(text["label"]).strip(), " ".join(str(text["definition"]).split()))
    queries = entry.get("queries", [])
    ratio = entry.get("ratio")
    if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
        raise CatalogueError(f"{where}: queries must be a list of query names")
    if not queries and not entry.get("derived_in"):
        raise CatalogueError(f"{where}: say where it is computed (queries or derived_in)")
    if (unit is Unit.RATE) != (ratio is not None):
        raise CatalogueError(f"{where}: a rate, and only a rate, has ratio = [num, den]")
    if ratio is not None and (not isinstance(ratio, list) or len(ratio) != 2):
        raise CatalogueError(f"{where}: ratio must be [numerator, denominator]")
    if (unit in (Unit.CATEGORY, Unit.CATEGORIES, Unit.CATEGORY_REFS)) != ("values" in entry):
        raise CatalogueError(f"{where}: a category, and only a category, names its values")
    decimals = entry.get("decimals")
    if decimals is not None and not isinstance(decimals, int):
        raise CatalogueError(f"{where}: decimals must be a whole number")
    sum_of = entry.get("sum_of", [])
    if not isinstance(sum_of, list) or not all(isinstance(p, str) for p in sum_of):
        raise CatalogueError(f"{where}: sum_of must be a list of figure names")
    if sum_of and (len(sum_of) < 2 or len(set(sum_of)) != len(sum_of) or name in sum_of):
        raise CatalogueError(f"{where}: sum_of names two or more other figures, each once")
    return Figure(
        name=name,
        unit=unit,
        queries=tuple(queries),
        texts=texts,
        area=area,
        privacy=privacy,
        ratio=(str(ratio[0]), str(ratio[1])) if ratio else None,
        values=str(entry["values"]) if "values" in entry else None,
        derived_in=str(entry["derived_in"]) if "derived_in" in entry else None,
        decimals=decimals,
        reference=str(entry["reference"]) if "reference" in entry else None,
        sum_of=tuple(sum_of),
    )


class Catalogue(Mapping[str, Figure]):
    """Every figure by name (a read-only mapping)."""

    def __init__(self, figures: Iterable[Figure]) -> None:
        self._figures: dict[str, Figure] = {}
        for figure in figures:
            if figure.name in self._figures:
                first = self._figures[figure.name].area
                raise CatalogueError(
                    f"[{figure.name}] is declared in definitions/{first}.toml and again in "
                    f"definitions/{figure.area}.toml: one name, one figure"
                )
            self._figures[figure.name] = figure
        self._check_ratios()
        self._check_sums()

    def _check_sums(self) -> None:
        """A sum relates counts of people (privacy "count") that are figures, and no count
        is, through its parts, a part of itself."""
        for figure in self._figures.values():
            where = f"definitions/{figure.area}.toml, [{figure.name}]"
            for part in figure.sum_of:
                if part not in self._figures:
                    raise CatalogueError(f"{where}: sum_of names {part!r}, which is not a figure")
            terms = (figure, *(self._figures[p] for p in figure.sum_of))
            if figure.sum_of and any(t.privacy is not Privacy.COUNT for t in terms):
                raise CatalogueError(f"{where}: a sum relates counts (privacy 'count') only")
        for figure in self._figures.values():
            seen: set[str] = set()
            todo = list(figure.sum_of)
            while todo:
                part = todo.pop()
                if part == figure.name:
                    raise CatalogueError(
                        f"definitions/{figure.area}.toml, [{figure.name}]: sum_of is circular"
                    )
                if part not in seen:
                    seen.add(part)
                    todo.extend(self._figures[part].sum_of)

    def _check_ratios(self) -> None:
        for figure in self._figures.values():
            for part in figure.ratio or ():
                if part not in self._figures:
                    raise CatalogueError(
                        f"definitions/{figure.area}.toml, [{figure.name}]: ratio names "
                        f"{part!r}, which is not a figure"
                    )
            if figure.privacy is Privacy.RATE and figure.ratio is None:
                raise CatalogueError(f"[{figure.name}]: privacy 'rate' needs a ratio")

    def __getitem__(self, name: str) -> Figure:
        try:
            return self._figures[name]
        except KeyError:
            raise UnknownFigure(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)

    def label(self, name: str, lang: str) -> str:
        return self[name].label(lang)

    def definition(self, name: str, lang: str) -> str:
        return self[name].definition(lang)

    def missing(self, columns: Iterable[str]) -> list[str]:
        """The columns that have no entry."""
        return [c for c in columns if c not in self._figures]

    def sums(self) -> dict[str, tuple[str, ...]]:
        """Every declared sum: total -> its parts."""
        return {name: f.sum_of for name, f in self._figures.items() if f.sum_of}

    def with_privacy(self, columns: Iterable[str], privacy: Privacy) -> list[str]:
        """The columns among `columns` whose small-cell rule is `privacy` (unknown columns
        are left out: the catalogue tests make sure there are none)."""
        return [c for c in columns if c in self._figures and self._figures[c].privacy is privacy]


def load_catalogue(directory: Path = DEFINITIONS_DIR) -> Catalogue:
    """Every `*.toml` of `directory`, checked; raises CatalogueError naming file and entry."""
    figures: list[Figure] = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as f:
            try:
                data = tomllib.load(f)
            except tomllib.TOMLDecodeError as error:
                raise CatalogueError(f"definitions/{path.name}: {error}") from None
        for name, entry in data.items():
            if not isinstance(entry, Mapping):
                raise CatalogueError(f"definitions/{path.name}: {name} is not a table")
            figures.append(_figure(path.stem, name, entry))
    return Catalogue(figures)


@cache
def catalogue() -> Catalogue:
    """The project's catalogue (read once per process)."""
    return load_catalogue()
