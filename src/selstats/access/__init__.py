"""Who may see what: roles, users, identity per deployment mode, the scope every query gets,
small-cell suppression and the audit log. Enforced where data is read (`selstats.ui.db`).

- `roles`: each role and its permissions (deny by default).
- `users`: the local users file (argon2 hashes), also the role map for OIDC identities.
- `identity`: who is logged in (OIDC / users file / demo); Streamlit only here and in `audit`.
- `scope`: from a user to the `$allowed` organisations and whether suppression applies.
- `suppression`: "<5" for small counts, declared per query file.
- `audit`: the audit log (JSON-lines file + the store's `audit_log`).
"""
