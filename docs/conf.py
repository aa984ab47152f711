"""Sphinx configuration for the skw2s documentation.

Build (no network needed)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Never reach a model hub or dataset server while the gallery runs.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("MPLBACKEND", "Agg")

import skw2s  # noqa: E402

# -- Project -----------------------------------------------------------------
project = "skw2s"
author = "skw2s developers"
copyright = "skw2s developers"
version = skw2s.__version__
release = skw2s.__version__

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
language = "en"
default_role = "literal"
nitpicky = False

# No intersphinx: the build must work offline.

# -- autodoc / autosummary ----------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
add_module_names = False

# Methods every scikit-learn estimator inherits for metadata routing and pandas output:
# their docstrings point to scikit-learn's own user guide (labels that do not exist here).
_SKLEARN_PLUMBING = ("get_metadata_routing", "set_output")


def _skip_sklearn_plumbing(app, what, name, obj, skip, options):
    if name in _SKLEARN_PLUMBING or (name.startswith("set_") and name.endswith("_request")):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_plumbing)


# -- numpydoc -----------------------------------------------------------------
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()
numpydoc_xref_param_type = False

# -- sphinx-gallery -----------------------------------------------------------
# The examples live in ../examples (sphinx-gallery format, run at build time); its
# GALLERY_HEADER.rst is the gallery's index text.


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "download_all_examples": False,
    "show_memory": False,
    "write_computation_times": False,
    "remove_config_comments": True,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "plot_gallery": "True",
    "reset_modules": ("matplotlib", "seaborn"),
    "doc_module": ("skw2s",),
    "backreferences_dir": "gen_modules/backreferences",
    "inspect_global_variables": False,
}

# Library warnings printed by examples are part of the example output, not build warnings.
warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")

# -- HTML ---------------------------------------------------------------------
html_theme = "alabaster"
html_theme_options = {
    "description": "Weak-to-strong generalization, the data-centric way, for scikit-learn",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_title = f"skw2s {release}"
html_static_path = ["_static"]
html_show_sourcelink = False
