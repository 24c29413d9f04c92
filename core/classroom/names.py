"""Display names on a class board: checked (length, no markup) and folded to compare."""

from __future__ import annotations

import re
import unicodedata

MIN_LENGTH, MAX_LENGTH = 2, 24
MARKUP = re.compile(r"[<>&\"'`\\{}\[\]|*_#~$]|https?:|//")


def name_problem(name: str) -> str:
    """Why a display name cannot be used ("" when it can)."""
    shown = clean(name)
    if MARKUP.search(shown):
        return (
            "Display names are plain text: letters, digits, spaces and - . ( ) only, no "
            "markup, links or symbols such as < > & * _ #."
        )
    if len(shown) < MIN_LENGTH:
        return f"Pick a display name of at least {MIN_LENGTH} characters."
    if len(shown) > MAX_LENGTH:
        return f"Display names are at most {MAX_LENGTH} characters (this one has {len(shown)})."
    if any(unicodedata.category(ch).startswith("C") for ch in shown):
        return "Display names cannot hold control characters."
    if not any(ch.isalnum() for ch in shown):
        return "A display name needs at least one letter or digit."
    return ""


def clean(name: str) -> str:
    """The name as shown: Unicode-normalized, runs of spaces made one, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", str(name)).split())


def name_key(name: str) -> str:
    """What two names are compared by: "Ada  L." and "ada l." are the same name."""
    return clean(name).casefold()
