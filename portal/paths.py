"""Where the portal keeps its local files (database, secret key, queue): the instance folder."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
