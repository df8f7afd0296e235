"""Fixtures of these tests."""

from tests.conftest import world

#: The records these tests build on (see tests/conftest.py: world).
world_records = world("registry", "open_list")

