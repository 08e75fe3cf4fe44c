"""`python -m pipeline.crawl` = `unionclaims crawl`."""

import sys

from ..cli import main

sys.exit(main(["crawl", *sys.argv[1:]]))
