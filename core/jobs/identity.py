"""A stable, anonymous id for a browser, from the XSRF cookie Streamlit's server sets once."""

from __future__ import annotations

import binascii
import hashlib


def browser_id(cookie: str | None) -> str | None:
    """sha256 of the cookie's secret token (Tornado's formats 1 and 2), or None.

    Tornado masks the token differently on every page load (format 2: "2|mask|masked|time"),
    so the raw cookie value is unmasked first: every tab of one browser gives the same id.
    """
    if not cookie:
        return None
    try:
        if cookie.startswith("2|"):
            _, mask_hex, masked_hex, _ = cookie.split("|")
            mask, masked = binascii.a2b_hex(mask_hex), binascii.a2b_hex(masked_hex)
            token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
        else:
            token = binascii.a2b_hex(cookie)
    except (ValueError, binascii.Error):
        return None
    if len(token) < 8:
        return None
    return "browser-" + hashlib.sha256(token).hexdigest()[:24]
