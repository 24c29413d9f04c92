"""A learner is their browser: a long-lived cookie of the app's own holds a random token.

Streamlit's XSRF cookie, the identity before the run store, keeps its token across server
restarts and a new cookieSecret, but it is a session cookie (no Max-Age): a browser that is
closed forgets it, and a server with XSRF protection off never sets it. So the app sets its
own cookie, for 400 days (the longest browsers keep one); the store only ever sees a hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets

LEARNER_COOKIE = "reglab_learner"
COOKIE_DAYS = 400
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def learner_id(token: str | None) -> str | None:
    """The learner's id from their cookie's token; None for a missing or malformed token."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    return "learner-" + hashlib.sha256(token.encode("ascii")).hexdigest()[:32]


def cookie_script(token: str, secure: bool = False) -> str:
    """JavaScript that stores the token in the browser for COOKIE_DAYS."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("not a learner token")
    attributes = f"max-age={COOKIE_DAYS * 86_400}; path=/; SameSite=Lax" + (
        "; Secure" if secure else ""
    )
    return f"<script>document.cookie = '{LEARNER_COOKIE}={token}; {attributes}';</script>"
