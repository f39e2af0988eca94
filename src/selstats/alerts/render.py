"""One message per user: plain text and HTML in the user's language, with deep links into
the dashboard. Values are written by the figure catalogue (`value_text`: 08/07/2028,
81,25 %, "<5" for a suppressed count), texts come from the i18n catalogues
(`ui/catalogues/<lang>/alerts.toml`). Imported text (titles, names, file names) is escaped
in the HTML and never read as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import urlencode

from selstats.access.scope import Access
from selstats.alerts.due import KINDS, Alert, ordered
from selstats.figures.present import value_text
from selstats.i18n import DEFAULT_LANG, translate
from selstats.i18n.format import fmt_int

# Dashboard pages by what they show (their url_path in app.py's PAGES).
PAGE_LISTS: Final = "reserve_lists"
PAGE_CERTIFICATION: Final = "certification"
PAGE_IMPORTS: Final = "explore"


@dataclass(frozen=True)
class Message:
    """What one user gets: `to` is the address, `keys` the alerts it carries."""

    username: str
    to: str
    lang: str
    subject: str
    text: str
    html: str
    keys: tuple[str, ...]


def deep_link(base: str, page: str, lang: str, **params: str | None) -> str:
    """`{base}/{page}?orgs=...&procs=...&lang=fr`: the dashboard's URL filters (Dutch, the
    default language, is left out as the frame leaves it out). Without `base`, the path."""
    query = {name: value for name, value in params.items() if value}
    if lang != DEFAULT_LANG:
        query["lang"] = lang
    tail = f"?{urlencode(query)}" if query else ""
    return f"{base}/{page}{tail}"


def alert_link(alert: Alert, base: str, lang: str) -> str:
    if alert.kind in ("lapsing_30", "lapsing_90", "lapsed"):
        return deep_link(base, PAGE_LISTS, lang, orgs=alert.org_id, procs=alert.subject)
    if alert.kind == "import_failed":
        return deep_link(base, PAGE_IMPORTS, lang)
    return deep_link(base, PAGE_CERTIFICATION, lang, orgs=alert.org_id)


def _days(value: object) -> object:
    """Days left, or days since a list lapsed (a positive number either way)."""
    return abs(value) if isinstance(value, int) else value


def _v(alert: Alert, name: str, lang: str) -> str:
    return value_text(name, alert.value(name), lang)


def alert_sentence(alert: Alert, lang: str) -> str:
    """One line of the message for `alert`."""

    def tr(key: str, **params: object) -> str:
        return translate(lang, f"alerts.item.{key}", **params)

    if alert.kind in ("lapsing_30", "lapsing_90", "lapsed"):
        params = {
            "code": alert.subject,
            "title": alert.title,
            "org": alert.org_name or alert.org_id or "",
            "through": _v(alert, "valid_through", lang),
            "days": value_text("days_left", _days(alert.value("days_left")), lang),
            "available": _v(alert, "available", lang),
            "size": _v(alert, "size", lang),
        }
        return tr("lapsed" if alert.kind == "lapsed" else "lapsing", **params)
    org = alert.org_name or alert.subject
    if alert.kind == "conditions":
        return tr(
            "conditions",
            org=org,
            reasons=_v(alert, "reasons", lang),
            level=_v(alert, "qualifies_for", lang),
        )
    if alert.kind == "qcheck":
        return tr(
            "qcheck",
            org=org,
            figure=_v(alert, "qcheck_figure", lang),
            mode=_v(alert, "mode", lang),
            count=_v(alert, "qcheck_count", lang),
            at_recent=_v(alert, "checks_needed_at_recent", lang),
            recent=_v(alert, "recent_average", lang),
            at_100=_v(alert, "checks_needed_at_100", lang),
        )
    if alert.kind == "review":
        fails = bool(alert.value("would_fail_review"))
        return tr(
            "review_fails" if fails else "review",
            org=org,
            certification=_v(alert, "certification", lang),
            day=_v(alert, "next_review", lang),
            days=_v(alert, "days_to_review", lang),
            reasons=_v(alert, "reasons", lang),
        )
    problems = alert.value("problems")
    return tr(
        "import_failed",
        at=value_text("imported_at", alert.value("imported_at"), lang),
        user=alert.title or "—",
        files=alert.subject or "—",
        problems=fmt_int(problems, lang),
    )


def _scope_text(access: Access, lang: str) -> str:
    allowed = access.allowed
    if allowed is None:
        return translate(lang, "alerts.scope_all")
    return translate(lang, "alerts.scope_orgs", orgs=", ".join(allowed) or "—")


def _sections(alerts: Sequence[Alert]) -> Iterable[tuple[str, list[Alert]]]:
    for kind in KINDS:
        chosen = [a for a in alerts if a.kind == kind]
        if chosen:
            yield kind, chosen


def render_message(
    access: Access,
    to: str,
    alerts: Iterable[Alert],
    *,
    as_of: date,
    lang: str,
    base_url: str,
    name: str = "",
) -> Message | None:
    """The message telling `access`'s user about `alerts`; None when there are none."""
    items = ordered(alerts)
    if not items:
        return None

    def tr(key: str, **params: object) -> str:
        return translate(lang, f"alerts.{key}", **params)

    greeting = tr("greeting", name=name or access.display_name or access.username)
    intro = tr("intro", date=value_text("list_date", as_of, lang))
    roles = ", ".join(translate(lang, f"access.role.{r.value}") for r in access.roles)
    footer = tr("footer", roles=roles or "—", scope=_scope_text(access, lang))
    text_lines = [greeting, "", intro]
    html_parts = [f"<p>{html.escape(greeting)}</p>", f"<p>{html.escape(intro)}</p>"]
    for kind, chosen in _sections(items):
        title = tr(f"section.{kind}")
        text_lines += ["", title, "-" * len(title)]
        html_parts.append(f"<h3>{html.escape(title)}</h3>")
        html_parts.append("<ul>")
        for alert in chosen:
            sentence = alert_sentence(alert, lang)
            link = alert_link(alert, base_url, lang)
            text_lines += [f"- {sentence}", f"  {link}"]
            html_parts.append(
                f"<li>{html.escape(sentence)} "
                f'<a href="{html.escape(link, quote=True)}">{html.escape(tr("open"))}</a></li>'
            )
        html_parts.append("</ul>")
    text_lines += ["", footer]
    html_parts.append(f'<p style="color:#555;font-size:small">{html.escape(footer)}</p>')
    body = "\n".join(html_parts)
    return Message(
        username=access.username,
        to=to,
        lang=lang,
        subject=tr("subject", count=len(items)),
        text="\n".join(text_lines) + "\n",
        html=f'<!DOCTYPE html>\n<html lang="{lang}"><body>\n{body}\n</body></html>\n',
        keys=tuple(a.key for a in items),
    )
