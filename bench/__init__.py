"""Speed figures for Gradient Descent Lab: `python -m bench` (see bench/__main__.py)."""
