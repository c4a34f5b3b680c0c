"""``python -m vouchsafe``: the same as the ``vouchsafe`` console script."""

import sys

from vouchsafe.cli import main

sys.exit(main())
