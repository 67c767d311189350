"""``planengine cache [clear]``: where the checked-data cache is, and emptying it.

The cache (:mod:`planengine._cache`) holds the shipped data files and plugins' data files
parsed and checked, so a start does not check unchanged data again. Emptying it is always safe:
the next start checks the files again and writes it anew.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "action",
        nargs="?",
        choices=("dir", "clear"),
        default="dir",
        help="dir (default): print the cache folder; clear: remove planengine's files from it",
    )


def run(args: argparse.Namespace) -> int:
    """Print the folder, or clear it; exit 0 (2 when there is no folder to use)."""
    from planengine._cache import cache_folder, clear_cache

    if args.action == "clear":
        folder, removed = clear_cache()
        if folder is None:
            print(
                "planengine: error: no cache folder (no home folder, no PLANENGINE_CACHE_DIR)",
                file=sys.stderr,
            )
            return 2
        print(f"removed {removed} file{'s' if removed != 1 else ''} from {folder}")
        return 0
    folder = cache_folder()
    if folder is None:
        print(
            "planengine: error: no cache folder (no home folder, no PLANENGINE_CACHE_DIR)",
            file=sys.stderr,
        )
        return 2
    print(folder)
    return 0
