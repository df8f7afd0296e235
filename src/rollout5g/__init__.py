"""rollout5g: run a city or province 5G rollout programme."""

__version__ = "0.1.0"
