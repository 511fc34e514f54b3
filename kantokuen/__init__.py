"""kantokuen: a counterfactual planner for the Japanese Army's 1941 "crash schedule" (Kantokuen).

This folder is the installed package: this file is the Python API, and its other entries are
symbolic links to the repository's top-level `cli.py`, `models/`, `planner/`, `analysis/`,
`reports/` and `cases/`, so the repository keeps DESIGN.md's layout and the distribution adds
nothing but `kantokuen` to site-packages.
"""

from kantokuen.models import __version__

__all__ = ["__version__"]
