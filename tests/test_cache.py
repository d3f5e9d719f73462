"""Results kept between requests (``registry.cache``): kept while nothing is written, made
again after any write, after ``KEEP_SECONDS`` and beyond the store's size; and the staff
home's figures, which use it, follow a change at once."""

from __future__ import annotations

import re

import pytest

from registry import audit, cache
from registry.audit.models import AuditEvent
from registry.db import db
from registry.organisations.models import OrganisationStatus


def test_the_store_drops_the_least_recently_used_beyond_its_size():
    store = cache.Store(size=2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # "b" is now the least recently used
    store.put("c", 3)
    assert (store.get("a"), store.get("b"), store.get("c")) == (1, None, 3)
    assert len(store) == 2


def test_the_store_forgets_what_is_older_than_its_keeping_time():
    store = cache.Store(keep_seconds=0)
    store.put("a", 1)
    assert store.get("a") is None
    assert len(store) == 0


def test_a_result_is_kept_until_something_is_written(app, db_session):
    made = []

    def build():
        made.append(1)
        return len(made)

    with app.test_request_context():
        assert cache.remembered("figures", ("th",), build) == 1
        assert cache.remembered("figures", ("th",), build) == 1
        assert cache.remembered("figures", ("en",), build) == 2  # another key, another result
    with app.test_request_context():
        assert cache.remembered("figures", ("th",), build) == 1  # a new request, no write
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
    with app.test_request_context():
        assert cache.remembered("figures", ("th",), build) == 3
    assert len(made) == 3


def test_the_version_is_read_once_per_request(app, db_session):
    with app.test_request_context():
        first = cache.data_version()
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
        assert cache.data_version() == first  # this request keeps the version it began with
    with app.test_request_context():
        assert cache.data_version()[0] > first[0]


def _active_partners(client) -> int:
    with client.get("/") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    found = re.search(r'mb-0">([\d,]+)</span>\s*<span class="d-block">Active partners', html)
    assert found, "the staff home shows no count of active partners"
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def english(app, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


def test_the_staff_home_counts_a_new_partner_at_once(
    app, client, sign_in, make_organisation, english
):
    sign_in("staff")
    before = _active_partners(client)
    assert _active_partners(client) == before  # served from what was kept
    make_organisation(status=OrganisationStatus.ACTIVE)
    assert _active_partners(client) == before + 1


def test_a_restored_database_never_meets_a_result_kept_for_other_data(app, db_session):
    """A restore brings back older events; the next one takes an id given before. Its time
    differs, so a result kept under that id is not served for the restored data."""
    with app.test_request_context():
        audit.record_event(None, "updated (test)", record_type="organisations")
        db.session.commit()
        before = cache.data_version()
        cache.remembered("figures", (), lambda: "before the restore")
    with app.app_context():
        db.session.execute(db.delete(AuditEvent).where(AuditEvent.id == before[0]))
        event = audit.record_event(None, "restored (test)", record_type="organisations")
        event.id = before[0]  # as after a restore: the id given before is given again
        db.session.commit()
    with app.test_request_context():
        after = cache.data_version()
        assert after[0] == before[0] and after != before
        assert cache.remembered("figures", (), lambda: "after the restore") == "after the restore"
