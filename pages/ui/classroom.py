"""The class a learner is in (`class=CODE` in the URL), the instructor's key, and the Lab's
class panel: join under a display name, answer the mission's prediction, publish a run."""

from __future__ import annotations

import hmac
import os
import time
from urllib.parse import urlencode, urlsplit

import streamlit as st

from core.classroom.classes import CLASS_PARAM, CODE_LENGTH, ClassInfo, normal_code
from core.classroom.store import ClassStore
from pages.ui.runtime import job_manager, owner

KEY_ENV = "REGLAB_INSTRUCTOR_KEY"
_CODE = "class_code"
_BAD = "class_code_problem"


@st.cache_resource(show_spinner=False)
def class_store() -> ClassStore | None:
    """The classes, beside the runs in the run store (None when runs are kept in memory)."""
    store = job_manager().store
    return ClassStore(store) if store is not None else None


def class_code() -> str:
    """The session's class: a link's `class=CODE` (every page's URL keeps it), else the one
    opened before in this session; "" for none. A malformed code in a link is ignored (and
    said once, see linked_code_problem)."""
    raw = str(st.query_params.get(CLASS_PARAM, "") or "")
    if linked := normal_code(raw):
        st.session_state[_CODE] = linked
    elif raw.strip():
        shown = "".join(ch for ch in raw if ch.isalnum())[:12] or "?"
        st.session_state[_BAD] = (
            f"The link's class={shown} is not a class code: a code has {CODE_LENGTH} letters "
            "and digits, as on the projected board."
        )
    return st.session_state.get(_CODE, "")


def linked_code_problem() -> str:
    """What was wrong with a link's `class=` value, once ("" when it was fine or absent)."""
    return st.session_state.pop(_BAD, "")


def set_class_code(code: str) -> None:
    """Open another class (its code in the URL too, which the next run reads first)."""
    st.session_state[_CODE] = code = normal_code(code)
    if code:
        st.query_params[CLASS_PARAM] = code
    else:
        st.query_params.pop(CLASS_PARAM, None)


def current_class() -> ClassInfo | None:
    store = class_store()
    code = class_code()
    return store.get(code) if store is not None and code else None


def class_query() -> dict[str, str]:
    """What every page's URL keeps of the class (url_extras)."""
    code = st.session_state.get(_CODE, "")
    return {CLASS_PARAM: code} if code else {}


def operator_key() -> str:
    return os.environ.get(KEY_ENV, "").strip()


def is_instructor(info: ClassInfo | None = None) -> bool:
    """With REGLAB_INSTRUCTOR_KEY set: this browser entered it once. Without: anyone may
    create classes and is the instructor of their own."""
    if key := operator_key():
        store = class_store()
        return store is not None and store.knows_key(owner(), key)
    return info is None or info.owner == owner()


def key_form(prefix: str) -> None:
    """Where an instructor enters the operator's key once per browser (never into a URL)."""
    if not operator_key() or is_instructor():
        return

    def check() -> None:
        typed = st.session_state.get(f"{prefix}_key", "")
        st.session_state[f"{prefix}_key"] = ""  # the key is not kept in the session
        if typed and hmac.compare_digest(typed.strip(), operator_key()):
            class_store().remember_instructor(owner(), operator_key())
            st.session_state[f"{prefix}_key_wrong"] = False
        else:
            st.session_state[f"{prefix}_key_wrong"] = True

    with st.expander("Instructor? Enter the key", icon=":material/key:"):
        with st.form(f"{prefix}_key_form", border=False):  # Enter submits
            st.text_input(
                "Instructor key",
                type="password",
                key=f"{prefix}_key",
                help="The key the operator set (REGLAB_INSTRUCTOR_KEY). This browser remembers "
                "it: you enter it once. It is never put in a link.",
            )
            st.form_submit_button("Unlock instructor tools", on_click=check)
        if st.session_state.pop(f"{prefix}_key_wrong", False):  # said once, not kept
            st.error("That is not the instructor key.")


def page_url(page: str, query: dict[str, str]) -> str:
    """An absolute link to another page of this app (as the browser sees it)."""
    try:
        parts = urlsplit(st.context.url or "")
    except (TypeError, ValueError):
        parts = urlsplit("")
    base = parts.path.rsplit("/", 1)[0] if parts.path else ""
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{origin}{base}/{page}" + (f"?{urlencode(query)}" if query else "")


def closes_text(info: ClassInfo) -> str:
    when = time.strftime("%H:%M", time.localtime(info.closed_at()))
    if info.is_open(time.time()):
        return f"open until {when}"
    return f"closed at {when}: the board is read-only"
