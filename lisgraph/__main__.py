"""``python -m lisgraph``: the same as the ``lisgraph`` command."""

from .cli import main

raise SystemExit(main())
