"""Demo data of this capability, loaded by ``rollout5g demo`` after the registry (idempotent)."""


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    return []
