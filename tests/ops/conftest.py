import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENV_FILE = REPO / "deploy" / "rollout5g.env"


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """The variables of a systemd EnvironmentFile (KEY=value lines; # comments)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@pytest.fixture
def clean_env(tmp_path):
    """An environment for a subprocess: this Python, a fresh data directory, nothing of the test run's settings."""

    def make(**extra):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("ROLLOUT5G_", "DJANGO_", "PROMETHEUS_")) and k != "DATABASE_URL"}
        env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
        env["ROLLOUT5G_DATA_DIR"] = str(tmp_path / "data")
        env.update({k: str(v) for k, v in extra.items()})
        return env

    return make
