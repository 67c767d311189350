"""``python -m planengine`` runs the command line."""

import sys

from planengine._cli import main

sys.exit(main())
