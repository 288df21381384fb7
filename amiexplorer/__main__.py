"""`python -m amiexplorer`."""

from amiexplorer.cli import main

raise SystemExit(main())
