"""Pure functions of hashable settings -> arrays / tidy pandas frames (no streamlit)."""
