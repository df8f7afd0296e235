"""Tests that run on the whole demo: the demo loader (test_loader.py) and the generic access suite
(test_route_access.py), sharing one load of it for this package, rolled back at its end."""

import pytest
import time_machine

from tests.conftest import DEMO_PASSWORD, TODAY, _ensure_reference_data


@pytest.fixture(scope="package")
def demo_world(django_db_setup, django_db_blocker):
    from django.db import transaction

    from rollout5g.demo import load_demo

    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _ensure_reference_data()
            yield load_demo(password=DEMO_PASSWORD)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
