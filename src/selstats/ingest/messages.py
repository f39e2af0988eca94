"""The words of every import problem, in Dutch (the default), French and English.

A problem carries only a code and parameters; this module turns it into a sentence that
says where (file, row, column), what was found and what was expected. The words are in
the catalogues the pages use (`selstats.i18n`, `catalogues/<lang>/import.toml`, keys under
`import.`): `import.location.<where>` + ": " + `import.problem.<code>` (or
`<code>.<variant>` when the problem's params name a variant), with plural forms written as
`{count:plural:one|other}`. A new code cannot ship without its three translations: the
catalogues must have the same keys in every language (tests/i18n) and every `Code` a text
(tests/ingest/test_ingest_messages.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Protocol

from selstats.i18n import DEFAULT_LANG, LANGUAGES, catalogue, choose_plurals


class Problem(Protocol):
    """What a sentence is made of (`selstats.ingest.problems.Problem`, which imports this
    module: a protocol here keeps the two without a cycle)."""

    @property
    def file(self) -> str: ...
    @property
    def row(self) -> int | None: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> str | None: ...
    @property
    def code(self) -> str: ...
    @property
    def params(self) -> Mapping[str, object]: ...


LANGS: Final = LANGUAGES

PREFIX: Final = "import."
PROBLEM: Final = PREFIX + "problem."


class _Lenient(dict[str, object]):
    """Format values that never raise: a missing parameter shows as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


def text(key: str, lang: str = DEFAULT_LANG) -> str | None:
    """The catalogue's `import.<key>` in `lang`, None when there is none."""
    return catalogue(_lang(lang)).get(PREFIX + key)


def _fill(template: str, lang: str, values: Mapping[str, object]) -> str:
    return choose_plurals(template, lang, values).format_map(_Lenient(values))


def has_template(code: str) -> bool:
    """Whether the catalogue has words for `code` (or one of its variants)."""
    return any(
        key == PROBLEM + code or key.startswith(PROBLEM + code + ".")
        for key in catalogue(DEFAULT_LANG)
    )


def template_key(code: str, params: Mapping[str, object] | None = None) -> str:
    """The catalogue entry for a code (under `import.problem.`): `code.variant` when params
    name a variant the catalogue has."""
    variant = (params or {}).get("variant")
    if variant is not None and f"{PROBLEM}{code}.{variant}" in catalogue(DEFAULT_LANG):
        return f"{code}.{variant}"
    return code


def render_warning(problem: Problem, lang: str = DEFAULT_LANG) -> str:
    """A warning's sentence in `lang`, marked as a warning (`WAARSCHUWING: ...`)."""
    return (text("warning_prefix", lang) or "") + render(problem, lang)


def warnings_summary(count: int, lang: str = DEFAULT_LANG) -> str:
    """One line over `count` warnings, in `lang`."""
    return _fill(text("warnings_summary", lang) or "", _lang(lang), {"count": count})


def notice(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """A notice (`import.notice.<key>`) in `lang`: what a command says while it works."""
    return _fill(text(f"notice.{key}", lang) or key, _lang(lang), params)


def say(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Any other text of the import's catalogue (`import.<key>`) in `lang`, filled."""
    return _fill(text(key, lang) or key, _lang(lang), params)


def render(problem: Problem, lang: str = DEFAULT_LANG) -> str:
    """The full sentence for `problem` in `lang` (falls back to Dutch)."""
    lang = _lang(lang)
    params = dict(problem.params)
    values = _Lenient(params)
    values.update(
        file=problem.file,
        row=problem.row,
        column=problem.column,
        value=problem.value if problem.value is not None else "",
        code=problem.code,
    )
    found = params.get("found")
    if isinstance(found, str) and (name := text(f"format.{found}", lang)) is not None:
        values["found"] = name

    if problem.row is not None and problem.column is not None:
        where = "cell"
    elif problem.row is not None:
        where = "row"
    elif problem.column is not None:
        where = "column"
    else:
        where = "file"
    location = _fill(text(f"location.{where}", lang) or "{file}", lang, values)

    template = text("problem." + template_key(problem.code, params), lang)
    if template is None:  # a code nobody wrote words for yet: still say all we know
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        values["details"] = f" ({shown})" if shown else ""
        template = text("fallback", lang) or "{code}{details}"
    body = _fill(template, lang, values)
    hint = params.get("hint")
    if isinstance(hint, str) and (words := text(f"hint.{hint}", lang)) is not None:
        body += _fill(words, lang, values)
    return f"{location}: {body}"
