"""``python -m skw2s``: the command line (see :mod:`skw2s.cli`)."""

import sys

from .cli import main

sys.exit(main())
