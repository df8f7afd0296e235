"""The code generator: counter rows locked in the caller's transaction, never the same code twice."""

import threading

import pytest
from django.db import connection, transaction

from rollout5g.organizations.models import Organization
from rollout5g.platform.codes import next_code, next_number, next_value
from rollout5g.platform.writes.models import Counter


def _org(code):
    return Organization.objects.create(code=code, name=f"测试单位 {code}", kind="enterprise")


@pytest.mark.django_db
def test_codes_start_after_the_highest_stored_code_and_keep_the_format():
    _org("tc-0007")
    _org("tc-0003")
    with transaction.atomic():
        assert next_code(model=Organization, prefix="tc-", width=4) == "tc-0008"
        assert next_code(model=Organization, prefix="tc-", width=4) == "tc-0009"
    assert Counter.objects.get(key="organizations.organization:tc-").value == 9


@pytest.mark.django_db
def test_a_new_prefix_starts_at_one_and_each_prefix_counts_alone():
    with transaction.atomic():
        assert next_code(model=Organization, prefix="ta-2026-", width=4) == "ta-2026-0001"
        assert next_code(model=Organization, prefix="ta-2027-", width=4) == "ta-2027-0001"
        assert next_code(model=Organization, prefix="ta-2026-", width=4) == "ta-2026-0002"


@pytest.mark.django_db
def test_a_code_taken_explicitly_is_skipped():
    with transaction.atomic():
        assert next_code(model=Organization, prefix="tx-", width=3) == "tx-001"
    _org("tx-002")  # an import that brought its own code
    with transaction.atomic():
        assert next_code(model=Organization, prefix="tx-", width=3) == "tx-003"


@pytest.mark.django_db
def test_a_rolled_back_create_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_code(model=Organization, prefix="tr-", width=2) == "tr-01"
        raise RuntimeError("the create failed")
    with transaction.atomic():
        assert next_code(model=Organization, prefix="tr-", width=2) == "tr-01"


@pytest.mark.django_db
def test_next_number_follows_the_highest_integer():
    from rollout5g.resources.models import ListRelease

    highest = max(ListRelease.objects.values_list("number", flat=True), default=0)
    with transaction.atomic():
        assert next_number(model=ListRelease) == highest + 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_value("loose")


@pytest.mark.django_db
def test_services_number_their_records_from_the_counter(users):
    from rollout5g.permits import services

    app = services.application_create(actor=users["mobile"], title="并发编号")
    assert app.code.startswith("YJS") and len(app.code) == 12
    assert Counter.objects.get(key=f"permits.application:{app.code[:7]}").value == int(app.code[7:])


THREADS, PER_THREAD = 8, 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_get_the_same_code():
    """Eight threads, each with its own connection, create codes at the same time and save them. On PostgreSQL the
    counter row's lock makes the second writer wait for the first one's commit."""
    if connection.vendor == "sqlite":
        pytest.skip("the SQLite test database is in memory; SQLite serialises writers anyway (BEGIN IMMEDIATE)")
    from django.db import connections

    codes, errors = [], []
    start = threading.Barrier(THREADS)

    def writer():
        try:
            start.wait(timeout=30)
            for _ in range(PER_THREAD):
                with transaction.atomic():
                    code = next_code(model=Organization, prefix="cc-", width=4)
                    _org(code)
                codes.append(code)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(codes) == THREADS * PER_THREAD
    assert len(set(codes)) == len(codes)
    assert sorted(codes) == [f"cc-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
