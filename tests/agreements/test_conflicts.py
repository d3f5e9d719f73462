"""A draft agreement saved from an outdated form is refused like every record's: the same
refusal (``versions.ConflictError``) and the same panel, with who saved which field, beside
the fields' values as they are now; a missing or garbled version saves nothing."""

from __future__ import annotations

import pytest

from registry import versions
from registry.agreements import services
from registry.agreements.models import Agreement
from registry.auth.models import User
from registry.db import db
from tests.conftest import assert_refused_as_outdated, form_fields, with_version


@pytest.fixture
def first_editor(make_user):
    """The colleague who saves first."""
    return make_user("staff", full_name="Khun Agreement Editor")


def test_a_stale_draft_is_refused_with_the_shared_panel(
    app, client, sign_in_en, make_agreement, first_editor, get_agreement, agreement_events
):
    agreement_id = make_agreement()
    sign_in_en("staff")
    url = f"/agreements/{agreement_id}/edit"
    opened = form_fields(client, url)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        content = services.content_of(agreement) | {"signing_place": "ศูนย์ราชการฯ อาคาร B"}
        services.update_agreement(
            agreement,
            content,
            actor=db.session.get(User, first_editor),
            lock_version=agreement.lock_version,
        )
    before = agreement_events(agreement_id)

    response = client.post(url, data=opened | {"notice_days": "60"})

    again = assert_refused_as_outdated(
        response,
        who="Khun Agreement Editor",
        shows={"Place of signing": "ศูนย์ราชการฯ อาคาร B"},
        kept={"notice_days": "60"},
    )
    assert 'id="conflict-now"' in response.get_data(as_text=True)
    assert get_agreement(agreement_id).notice_days == 30
    assert agreement_events(agreement_id) == before
    assert client.post(url, data=again).status_code == 302
    assert get_agreement(agreement_id).notice_days == 60


def test_the_agreements_refusal_is_the_one_every_record_gives(
    app, make_agreement, staff_user
):
    agreement_id = make_agreement()
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        user = db.session.get(User, staff_user)
        content = services.content_of(agreement)
        services.update_agreement(
            agreement, content | {"copies": 3}, actor=user, lock_version=1
        )
        with pytest.raises(versions.ConflictError) as refused:
            services.update_agreement(
                agreement, content | {"copies": 4}, actor=user, lock_version=1
            )
    assert isinstance(refused.value, services.AgreementError)
    [change] = refused.value.changes
    assert {(field.name, field.new) for field in change.fields} == {("copies", 3)}


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.5", "99999"])
def test_a_draft_without_a_good_version_saves_nothing(
    client, sign_in_en, make_agreement, get_agreement, version
):
    agreement_id = make_agreement()
    sign_in_en("staff")
    url = f"/agreements/{agreement_id}/edit"
    data = with_version(form_fields(client, url), version) | {"notice_days": "60"}
    assert client.post(url, data=data).status_code == 409
    assert get_agreement(agreement_id).notice_days == 30
