"""`python -m pipeline.cli` = `unionclaims`."""

import sys

from . import main

sys.exit(main())
