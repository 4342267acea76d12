"""``python -m appliance``: the same command line as ``sentrikat``."""

from appliance.cli import main

raise SystemExit(main())
