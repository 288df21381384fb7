"""`python -m amiexplorer` and the `amiexplorer` command.

With `--demo`, the demo world's child process starts here, before the command line imports
botocore and Textual: the world seeds on one core while the app loads on the other.
"""

from __future__ import annotations

import sys

from amiexplorer.startup import startup_allocations


def main() -> int:
    """Entry point of the `amiexplorer` console script."""
    try:
        from amiexplorer.demo.process import start_early

        start_early(sys.argv[1:])
        with startup_allocations():
            from amiexplorer.cli.main import main as cli_main
        return cli_main()
    except KeyboardInterrupt:  # ctrl+c during the imports: no traceback
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
