"""``python -m planengine`` runs the command line."""

import sys

from planengine.cli._main import main

sys.exit(main())
