"""Shared fixtures. The reference data (boundaries, organizations, both policy documents, demo users) is loaded
once per test session into the test database; each test runs in a transaction that is rolled back."""

import pytest

from rollout5g.accounts.choices import Role

DEMO_PASSWORD = "test-password-1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from rollout5g.demo import load_demo

    with django_db_blocker.unblock():
        load_demo(password=DEMO_PASSWORD)


@pytest.fixture
def users(db):
    from rollout5g.accounts.models import User

    return {u.username: u for u in User.objects.select_related("organization")}


@pytest.fixture
def client_for(client, users):
    """A logged-in test client for a demo user: ``client_for("mobile")``."""
    from django.test import Client

    def make(username):
        c = Client()
        assert c.login(username=username, password=DEMO_PASSWORD)
        return c

    return make


@pytest.fixture
def make_user(db):
    from rollout5g.accounts.services import user_create

    def make(username, role=Role.OPERATOR, organization=None):
        return user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, organization=organization)

    return make
