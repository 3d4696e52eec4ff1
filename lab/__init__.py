"""Streamlit glue shared by the pages: settings table -> widgets/URL/presets, page scaffold, export."""
