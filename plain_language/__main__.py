"""``python -m plain_language simplify --lang en FILE`` (see plain_language/cli)."""

import sys

from .cli import main

sys.exit(main())
