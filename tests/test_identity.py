"""A browser's id survives Tornado's per-load masking of the XSRF cookie; junk gives None."""

import binascii
import os

from core.jobs.identity import browser_id


def masked_cookie(token: bytes) -> str:
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{binascii.b2a_hex(mask).decode()}|{binascii.b2a_hex(masked).decode()}|1700000000"


def test_same_token_same_id_across_masks():
    token = os.urandom(16)
    first, second = browser_id(masked_cookie(token)), browser_id(masked_cookie(token))
    assert first == second and first.startswith("browser-")
    assert browser_id(masked_cookie(os.urandom(16))) != first
    assert browser_id(binascii.b2a_hex(token).decode()) == first  # format 1


def test_junk_cookies_give_no_id():
    for junk in (None, "", "2|zz|yy|1", "2|only", "abc", "2|00|00|1"):
        assert browser_id(junk) is None
