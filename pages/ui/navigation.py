"""The sidebar's page list: plain links under section names (Streamlit's own list markup
fails axe's list rules), first in the sidebar, the current page marked."""

from __future__ import annotations

import streamlit as st


def sidebar_navigation(box, sections: dict) -> None:
    """One link per page under its section's name, drawn into `box` (the sidebar's first
    container, made before the other sidebar controls)."""
    with box:
        for section, pages in sections.items():
            st.caption(section)
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon)
