"""The cache of computed values (rollout5g.policy.cache): a value is computed once per data version for all the
server's processes (a shared layer behind the per-process one), concurrent misses compute it once, a change of the
data — audited or not — is seen on the next read, and a failing shared cache costs a computation, never the page."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from rollout5g.audit.services import record_event
from rollout5g.policy import cache
from rollout5g.regions.models import Region


@pytest.fixture
def clean(monkeypatch):
    """An empty cache, and a process that has written nothing without an audit event."""
    cache.clear()
    monkeypatch.setattr(cache, "_unaudited", False)
    monkeypatch.setattr(cache, "_unaudited_until", None)
    monkeypatch.setattr(cache, "_max_seq", 0)
    yield
    cache.clear()


def counting(calls: list, value="v"):
    def compute():
        calls.append(1)
        return (value, len(calls))

    return compute


def another_process():
    """What another worker sees: the shared cache, without this process's values."""
    with cache._lock:
        cache._store.clear()


def region(adcode: str) -> Region:
    square = {"type": "Polygon", "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30.1], [120, 30]]]}
    return Region.objects.create(adcode=adcode, name="测试区", level="county", geometry=square, display_geometry=square,
                                 source_crs="WGS84", source="test", min_lon=120, min_lat=30, max_lon=120.1,
                                 max_lat=30.1, centroid_lon=120.05, centroid_lat=30.05, area_km2=100)


def event(note: str = "change"):
    return record_event(actor=None, action="update", object_type="test.thing", object_id="1", note=note, region=None)


def test_a_value_computed_by_one_process_is_read_by_another(clean):
    calls = []
    version = cache.DataVersion((7, "h7"), 3, shared=(7, "h7"))
    first = cache.memoize("test.shared", ("k", 1), counting(calls), version=version)
    another_process()
    # another worker has its own count of written rows but the same audit chain head
    again = cache.memoize("test.shared", ("k", 1), counting(calls), version=cache.DataVersion((7, "h7"), 0, (7, "h7")))
    assert calls == [1]
    assert again == first
    # a new head: computed again
    cache.memoize("test.shared", ("k", 1), counting(calls), version=cache.DataVersion((8, "h8"), 0, (8, "h8")))
    assert calls == [1, 1]


def test_a_version_that_is_not_the_data_version_stays_in_the_process(clean):
    calls = []
    cache.memoize("test.local", "k", counting(calls), version=("v", 1))
    another_process()
    cache.memoize("test.local", "k", counting(calls), version=("v", 1))
    assert calls == [1, 1]


def test_concurrent_misses_compute_once(clean):
    calls, results = [], []
    version = cache.DataVersion((5, "h5"), 0, shared=(5, "h5"))
    start = threading.Barrier(4)

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return "panel"

    def read():
        start.wait()
        results.append(cache.memoize("test.flight", "k", slow, version=version))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert results == ["panel"] * 4


def test_a_computation_that_fails_frees_its_lock(clean):
    version = cache.DataVersion((5, "h5"), 0, shared=(5, "h5"))

    def fail():
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError):
        cache.memoize("test.fail", "k", fail, version=version)
    assert cache.memoize("test.fail", "k", lambda: "ok", version=version) == "ok"


class Broken:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache server down")

        return fail


def test_a_failing_shared_cache_falls_back_to_computing(clean, monkeypatch):
    monkeypatch.setattr(cache, "_backend", Broken)
    calls = []
    version = cache.DataVersion((5, "h5"), 0, shared=(5, "h5"))
    assert cache.memoize("test.down", "k", counting(calls), version=version) == ("v", 1)
    assert cache.memoize("test.down", "k", counting(calls), version=version) == ("v", 1)  # still kept in the process
    another_process()
    assert cache.memoize("test.down", "k", counting(calls), version=version) == ("v", 2)
    cache.clear()  # does not raise either


def test_a_value_that_cannot_be_pickled_is_kept_in_the_process_only(clean):
    version = cache.DataVersion((5, "h5"), 0, shared=(5, "h5"))
    value = cache.memoize("test.unpicklable", "k", lambda: threading.Lock(), version=version)
    assert cache.memoize("test.unpicklable", "k", lambda: None, version=version) is value


def test_the_file_cache_adds_a_key_once(tmp_path):
    backend = cache.FileCache(str(tmp_path), {})
    assert backend.add("lock", 1, timeout=60)
    assert not backend.add("lock", 2, timeout=60)
    assert backend.get("lock") == 1
    backend.delete("lock")
    assert backend.add("lock", 3, timeout=60)


def test_inside_a_transaction_only_the_process_layer_is_used(db):
    """A transaction may hold rows that are not committed (and every test runs in one that is rolled back)."""
    assert cache.data_version().shared is None


@pytest.mark.django_db(transaction=True)
def test_an_audited_change_is_shared_and_read_under_a_new_version(clean):
    calls = []
    before = cache.data_version()
    assert before.shared is not None
    cache.memoize("test.audited", "k", counting(calls))
    event()
    after = cache.data_version()
    assert after.shared is not None and after.shared != before.shared
    cache.memoize("test.audited", "k", counting(calls))
    assert calls == [1, 1]
    another_process()
    cache.memoize("test.audited", "k", counting(calls))
    assert calls == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_a_row_written_without_an_event_is_seen_by_this_process_and_not_shared(clean):
    calls = []
    cache.memoize("test.unaudited", "k", counting(calls))
    region("990001")  # no audit event, autocommit
    version = cache.data_version()
    assert version.shared is None  # the head does not describe what this process wrote
    cache.memoize("test.unaudited", "k", counting(calls))
    assert calls == [1, 1]
    # a transaction without an event, too
    with transaction.atomic():
        Region.objects.filter(adcode="990001").update(name="测试区二")
        Region.objects.get(adcode="990001").save()
    assert cache.data_version().shared is None
    # the next audited change puts the head past these rows: shared again
    event()
    assert cache.data_version().shared is not None


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_changes_no_value(clean):
    calls = []
    event()
    before = cache.data_version()
    cache.memoize("test.sign_in", "k", counting(calls))
    record_event(actor=None, action="login", object_type="accounts.user", object_id="1", region=None)
    assert cache.data_version().shared == before.shared
    another_process()
    cache.memoize("test.sign_in", "k", counting(calls))
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_rows_written_with_their_event_keep_the_shared_layer(clean):
    with transaction.atomic():
        record_event(actor=None, action="create", obj=region("990002"), region=None)
    assert cache.data_version().shared is not None


# -- a page's part rendered once per data version ({% datacache %}) ------------------------------------------------
def render_part(calls: list, **context) -> str:
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load datacache i18n %}{% datacache "test.part" who day %}'
                        '{% translate "Closed" %} {{ who }} {{ count }}{% enddatacache %}')

    class Count:
        def __str__(self):
            calls.append(1)
            return str(len(calls))

    with translation.override(context.pop("language", "zh-hans")):
        return template.render(Context({"count": Count(), **context}))


@pytest.mark.django_db
def test_a_part_is_rendered_again_only_when_the_data_or_what_it_depends_on_changes(clean):
    calls = []
    first = render_part(calls, who="张三", day="2026-11-16")
    assert render_part(calls, who="张三", day="2026-11-16") == first  # same data, reader, day: the kept HTML
    assert len(calls) == 1
    assert render_part(calls, who="李四", day="2026-11-16") != first  # another reader
    assert render_part(calls, who="张三", day="2026-11-17").endswith(" 3")  # another day
    english = render_part(calls, who="张三", day="2026-11-16", language="en")
    assert english.startswith("Closed") and not first.startswith("Closed")  # another language
    region("339901")  # a change of the data
    assert render_part(calls, who="张三", day="2026-11-16").endswith(" 5")


@pytest.mark.django_db
def test_a_part_escapes_what_it_shows_and_stays_escaped_when_kept(clean):
    calls = []
    first = render_part(calls, who="<script>alert(1)</script>", day="d")
    again = render_part(calls, who="<script>alert(1)</script>", day="d")
    assert "<script>" not in first and "&lt;script&gt;" in first and again == first


def test_a_part_needs_a_quoted_name():
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="quoted name"):
        Template("{% load datacache %}{% datacache part %}x{% enddatacache %}")


def test_a_namespace_keeps_a_bounded_number_of_values(clean, monkeypatch):
    monkeypatch.setattr(cache, "MAX_KEYS", 3)
    version = cache.DataVersion((1, "h"), 0, None)
    for n in range(5):
        cache.memoize("test.bounded", n, lambda n=n: n, version=version)
    assert len(cache._store["test.bounded"][2]) <= 3


@pytest.mark.django_db
def test_a_kept_part_does_not_read_the_views_data(clean):
    from django.template import Context, Template
    from django.utils.functional import SimpleLazyObject

    reads = []

    def data():
        reads.append(1)
        return {"rows": ["甲", "乙"]}

    template = Template('{% datacache "test.data" who with data %}{% for r in rows %}{{ r }}{% endfor %}'
                        '{% enddatacache %}')
    first = template.render(Context({"data": SimpleLazyObject(data), "who": 1}))
    again = template.render(Context({"data": SimpleLazyObject(data), "who": 1}))
    assert first == again == "甲乙" and len(reads) == 1  # the second page read nothing
