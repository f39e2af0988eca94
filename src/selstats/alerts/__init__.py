"""Alerts: tell each user what changed or is due before it is too late, by e-mail, once.

`selstats alerts` (run by cron or a systemd timer, see the README) takes every user of the
users file with their roles and organisations as the dashboard does (same scope, same
small-cell rules) and tells them, in their language:

- lists of laureates that lapse within 30 or 90 days, and those that lapsed lately;
- organisations of their scope that hold client certification and no longer meet its
  conditions, or whose Q-check figure fell under 80 % (with the Q-checks needed to get back);
- DG R&O's yearly certification reviews due within the review horizon;
- imports started from the dashboard that failed (for those who import or audit).

The modules, each with one job:

| module | job |
|---|---|
| `settings` | the SMTP settings and the dashboard's public address, from the environment |
| `facts` | what a user may see, read from the store as the dashboard reads it |
| `due` | what is due for one user (pure: frames in, `Alert`s out) |
| `render` | one message per user: plain text and HTML in the user's language, deep links |
| `deliver` | sending over SMTP (STARTTLS, login) |
| `state` | which alerts were sent to whom: each alert is sent once |
| `calendar` | an `.ics` calendar of list ends and certification reviews |
| `run` | the whole run for every user: due, not sent yet, rendered, sent, recorded |

No Streamlit here; `selstats.ui.calendar` draws the calendar download on the pages.
"""
