"""Tests that run on the whole demo: the demo loader (test_loader.py) and the generic access suite
(test_route_access.py), sharing one load of it for this package, rolled back at its end."""

import pytest

from tests.conftest import DEMO_PASSWORD, rolled_back


@pytest.fixture(scope="package")
def demo_world(django_db_setup, django_db_blocker):
    from rollout5g.demo import load_demo

    with rolled_back(django_db_blocker):
        yield load_demo(password=DEMO_PASSWORD)
