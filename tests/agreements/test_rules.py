"""The rules of agreements: numbering, checks on the content, the lifecycle, renewal,
amendments, optimistic locking, the derived state and the signed scan."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.agreements import queries, services
from registry.agreements.demo import simple_pdf
from registry.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementState,
    AgreementStatus,
    Clause,
)
from registry.auth.models import User
from registry.db import db
from registry.i18n import be_year

from .conftest import content_for

S = AgreementStatus


def _load(agreement_id: int) -> Agreement:
    return db.session.get(Agreement, agreement_id)


# --- numbering -----------------------------------------------------------------------------


def test_reference_numbers_run_per_buddhist_year(app, make_agreement):
    first, second = make_agreement(), make_agreement(kind="MOA")
    with app.app_context():
        a, b = _load(first), _load(second)
        year = be_year(services.today().year)
        assert a.reference_year == b.reference_year == year
        assert b.reference_number == a.reference_number + 1
        assert a.reference == f"MOU-{year}/{a.reference_number:03d}"
        assert b.reference == f"MOA-{year}/{b.reference_number:03d}"


def test_the_reference_pattern_is_configurable(app, make_agreement, monkeypatch):
    monkeypatch.setitem(app.config, "AGREEMENT_REFERENCE_PATTERN", "สพร.{kind} {number}/{year}")
    agreement_id = make_agreement()
    with app.app_context():
        agreement = _load(agreement_id)
        assert agreement.reference == (
            f"สพร.MOU {agreement.reference_number}/{agreement.reference_year}"
        )


# --- checks on the content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"effective_from": date(2026, 5, 1), "effective_until": date(2026, 4, 30)},
            "effective_until",
            "cannot end before it starts",
        ),
        ({"title_th": "  "}, "title_th", "title in Thai"),
        ({"language": "both", "title_en": ""}, "title_en", "title in English"),
        ({"copies": 0}, "copies", "originals"),
        ({"notice_days": -1}, "notice_days", "0 to 3650"),
        (
            {"clauses_en": "Only one clause"},
            "clauses_en",
            "same number of clauses",
        ),
        ({"clauses_th": "- a sub-clause first"}, "clauses_th", "first line must be a clause"),
    ],
)
def test_content_the_register_cannot_hold_is_refused_at_its_field(
    app, two_organisations, staff_user, count_agreements, overrides, field, message
):
    before = count_agreements()
    with app.app_context():
        user = db.session.get(User, staff_user)
        with pytest.raises(services.AgreementError, match=message) as refused:
            services.create_agreement(content_for(list(two_organisations), **overrides), actor=user)
        assert refused.value.field == field
    assert count_agreements() == before


def test_a_party_listed_twice_is_refused_at_the_second_row(
    app, two_organisations, staff_user, count_agreements
):
    own, partner = two_organisations
    before = count_agreements()
    with app.app_context():
        user = db.session.get(User, staff_user)
        with pytest.raises(services.AgreementError, match="listed twice") as refused:
            services.create_agreement(content_for([own, partner, partner]), actor=user)
        assert refused.value.field == "parties-2-organisation_id"
    assert count_agreements() == before


def test_fewer_than_two_parties_is_refused(app, two_organisations, staff_user, count_agreements):
    before = count_agreements()
    with app.app_context():
        user = db.session.get(User, staff_user)
        with pytest.raises(services.AgreementError, match="at least two parties") as refused:
            services.create_agreement(content_for([two_organisations[0]]), actor=user)
        assert refused.value.field == "parties"
    assert count_agreements() == before


def test_an_unknown_organisation_is_refused(app, two_organisations, staff_user):
    with app.app_context():
        user = db.session.get(User, staff_user)
        with pytest.raises(services.AgreementError) as refused:
            services.create_agreement(content_for([two_organisations[0], 999_999]), actor=user)
        assert refused.value.field == "parties-1-organisation_id"


def test_clauses_are_stored_as_numbered_clauses_with_sub_clauses(app, make_agreement):
    agreement_id = make_agreement(
        clauses_th="ข้อ 1 พัฒนาบริการ\n  1.1 แลกเปลี่ยนข้อมูล\n- จัดกิจกรรม\n2. ส่งเสริม\n",
        clauses_en="Develop\n- Share\n- Hold events\nPromote",
    )
    with app.app_context():
        agreement = _load(agreement_id)
        tree = [(top.text_th, [sub.text_th for sub in subs]) for top, subs in agreement.clause_tree]
        assert tree == [("พัฒนาบริการ", ["แลกเปลี่ยนข้อมูล", "จัดกิจกรรม"]), ("ส่งเสริม", [])]
        assert [top.text_en for top, _subs in agreement.clause_tree] == ["Develop", "Promote"]
        assert services.clauses_text(agreement) == "พัฒนาบริการ\n- แลกเปลี่ยนข้อมูล\n- จัดกิจกรรม\nส่งเสริม"
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Clause.id)).where(Clause.agreement_id == agreement_id)
            )
            == 4
        )


# --- the lifecycle -------------------------------------------------------------------------


def test_the_whole_lifecycle_is_audited(app, make_agreement, agreement_events):
    agreement_id = make_agreement(S.TERMINATED)
    with app.app_context():
        agreement = _load(agreement_id)
        assert agreement.status is S.TERMINATED
        assert agreement.terminated_on == services.today()
        assert agreement.termination_reason == "ยุติโดยความตกลง"
    actions = [action for action, _changes in agreement_events(agreement_id)]
    assert actions == ["created", "submitted for review", "approved", "signed", "terminated"]
    changes = dict(agreement_events(agreement_id))
    assert changes["signed"]["status"] == ["approved", "signed"]
    assert "lock_version" in changes["signed"]  # kept in the log, not shown


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.DRAFT, "approve"),
        (S.DRAFT, "return_to_draft"),
        (S.IN_REVIEW, "submit_for_review"),
        (S.APPROVED, "approve"),
        (S.SIGNED, "return_to_draft"),
        (S.TERMINATED, "approve"),
    ],
)
def test_an_impossible_transition_is_refused_with_a_message(
    app, make_agreement, staff_user, status, step
):
    agreement_id = make_agreement(status)
    with app.app_context():
        agreement = _load(agreement_id)
        with pytest.raises(services.TransitionError, match="cannot be done while"):
            getattr(services, step)(agreement, db.session.get(User, staff_user))
        assert _load(agreement_id).status is status


def test_an_incomplete_draft_cannot_go_to_review(app, make_agreement, staff_user):
    agreement_id = make_agreement(objectives_th="", clauses_th="", clauses_en="")
    with app.app_context():
        agreement = _load(agreement_id)
        with pytest.raises(services.TransitionError, match="objectives.*scope of cooperation"):
            services.submit_for_review(agreement, db.session.get(User, staff_user))
        assert agreement.status is S.DRAFT


def test_a_representative_cannot_take_lifecycle_steps(app, make_agreement, make_user):
    agreement_id = make_agreement(S.IN_REVIEW)
    representative = make_user("representative")
    with app.app_context(), pytest.raises(services.TransitionError, match="not allowed"):
        services.approve(_load(agreement_id), db.session.get(User, representative))


def test_signing_needs_a_date_not_in_the_future(app, make_agreement, staff_user):
    agreement_id = make_agreement(S.APPROVED)
    with app.app_context():
        user = db.session.get(User, staff_user)
        tomorrow = services.today() + timedelta(days=1)
        with pytest.raises(services.AgreementError, match="future") as refused:
            services.sign(_load(agreement_id), user, signed_on=tomorrow, signing_place="กรุงเทพฯ")
        assert refused.value.field == "signed_on"
        assert _load(agreement_id).status is S.APPROVED
        services.sign(_load(agreement_id), user, signed_on=services.today(), signing_place="ก")
        assert _load(agreement_id).status is S.SIGNED


def test_a_signed_agreement_is_locked_and_takes_amendments(
    app, make_agreement, staff_user, agreement_events
):
    agreement_id = make_agreement(S.SIGNED)
    with app.app_context():
        user = db.session.get(User, staff_user)
        agreement = _load(agreement_id)
        content = services.content_of(agreement) | {"title_th": "แก้ไขหลังลงนาม"}
        with pytest.raises(services.AgreementError, match="amendment"):
            services.update_agreement(
                agreement, content, actor=user, lock_version=agreement.lock_version
            )
        with pytest.raises(services.AgreementError) as refused:
            services.record_amendment(agreement, user, made_on=services.today(), text=" ")
        assert refused.value.field == "text"
        services.record_amendment(agreement, user, made_on=services.today(), text="ขยายขอบเขตข้อ 2")
        services.record_amendment(agreement, user, made_on=services.today(), text="ข้อสอง")
        agreement = _load(agreement_id)
        assert agreement.title_th != "แก้ไขหลังลงนาม"
        assert [a.number for a in agreement.amendments] == [1, 2]
    assert agreement_events(agreement_id)[-1][0] == "recorded amendment"


def test_amendments_are_only_for_signed_agreements(app, make_agreement, staff_user):
    agreement_id = make_agreement()
    with (
        app.app_context(),
        pytest.raises(services.AgreementError, match="signed agreements only"),
    ):
        services.record_amendment(
            _load(agreement_id),
            db.session.get(User, staff_user),
            made_on=services.today(),
            text="x",
        )


def test_termination_needs_a_reason_and_a_day_not_before_signing(app, make_agreement, staff_user):
    agreement_id = make_agreement(S.SIGNED, signed_on=date(2025, 1, 10))
    with app.app_context():
        user = db.session.get(User, staff_user)
        agreement = _load(agreement_id)
        with pytest.raises(services.AgreementError) as refused:
            services.terminate(agreement, user, terminated_on=date(2025, 1, 9), reason="x")
        assert refused.value.field == "terminated_on"
        with pytest.raises(services.AgreementError) as refused:
            services.terminate(
                agreement, user, terminated_on=date(2025, 2, 1), notice_on=date(2025, 1, 20),
                reason="",
            )  # fmt: skip
        assert refused.value.field == "reason"
        assert _load(agreement_id).status is S.SIGNED


def test_renewal_makes_a_linked_draft_with_the_content_copied(
    app, make_agreement, staff_user, agreement_events
):
    agreement_id = make_agreement(
        S.SIGNED,
        signed_on=date(2023, 7, 22),
        effective_from=date(2023, 7, 22),
        effective_until=date(2026, 7, 21),
    )
    with app.app_context():
        user = db.session.get(User, staff_user)
        old = _load(agreement_id)
        new = services.renew(old, user)
        assert new.status is S.DRAFT
        assert new.predecessor_id == old.id
        assert new.reference != old.reference
        assert new.effective_from == date(2026, 7, 22)
        assert new.effective_until == date(2029, 7, 21)
        assert new.signed_on is None
        assert new.title_th == old.title_th
        assert services.clauses_text(new) == services.clauses_text(old)
        assert [p.organisation_id for p in new.parties] == [p.organisation_id for p in old.parties]
        assert [p.signatory_name for p in new.parties] == [p.signatory_name for p in old.parties]
        assert services.allowed_transitions(old, user) == ["terminate"]
        with pytest.raises(services.TransitionError, match="already been renewed"):
            services.renew(old, user)
    assert agreement_events(agreement_id)[-1][0] == "renewed"


# --- two people editing one draft ----------------------------------------------------------


def test_a_stale_save_is_refused_with_the_fields_that_changed(app, make_agreement, staff_user):
    agreement_id = make_agreement()
    with app.app_context():
        user = db.session.get(User, staff_user)
        agreement = _load(agreement_id)
        opened = services.content_of(agreement)
        base, version = services.fingerprint(opened), agreement.lock_version
        # The first person saves a new title.
        services.update_agreement(
            agreement,
            opened | {"title_th": "ชื่อใหม่ของคนแรก"},
            actor=user,
            lock_version=version,
            base=base,
        )
        # The second, from the form opened before, changes the objectives.
        with pytest.raises(services.ConflictError) as refused:
            services.update_agreement(
                _load(agreement_id),
                opened | {"objectives_th": "วัตถุประสงค์ของคนที่สอง"},
                actor=user,
                lock_version=version,
                base=base,
            )
        assert refused.value.changed == ["title_th"]
        assert "Title in Thai" in str(refused.value)
        agreement = _load(agreement_id)
        assert agreement.title_th == "ชื่อใหม่ของคนแรก"
        assert agreement.objectives_th == opened["objectives_th"]


def test_a_save_replaces_parties_clauses_and_witnesses(
    app, make_agreement, staff_user, make_organisation
):
    agreement_id = make_agreement()
    third = make_organisation()
    with app.app_context():
        user = db.session.get(User, staff_user)
        agreement = _load(agreement_id)
        content = services.content_of(agreement)
        content["parties"] = list(reversed(content["parties"])) + [
            content["parties"][0] | {"organisation_id": third, "short_name_th": "สภา"}
        ]
        content["witnesses"] = [
            {"name": "พยานใหม่", "witness_position": "", "organisation_id": third}
        ]
        content["clauses_th"], content["clauses_en"] = "ข้อเดียว", ""
        services.update_agreement(
            agreement, content, actor=user, lock_version=agreement.lock_version
        )
        agreement = _load(agreement_id)
        assert [p.position for p in agreement.parties] == [1, 2, 3]
        assert agreement.parties[2].organisation_id == third
        assert agreement.witnesses[0].party.organisation_id == third
        assert services.clauses_text(agreement) == "ข้อเดียว"
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AgreementParty.id)).where(
                    AgreementParty.agreement_id == agreement_id
                )
            )
            == 3
        )


# --- what the dates say --------------------------------------------------------------------


def test_the_state_follows_from_the_dates(app, make_agreement):
    today = services.today()
    agreement_id = make_agreement(
        S.SIGNED,
        signed_on=today - timedelta(days=400),
        effective_until=today + timedelta(days=100),
    )
    with app.app_context():
        agreement = _load(agreement_id)
        assert agreement.state(today) is AgreementState.ACTIVE
        assert agreement.state(today + timedelta(days=10)) is AgreementState.EXPIRING
        assert agreement.state(today + timedelta(days=101)) is AgreementState.EXPIRED
        assert agreement.state(today - timedelta(days=401)) is AgreementState.PENDING
        assert agreement.days_left(today) == 100


def test_organisations_with_an_agreement_in_force(app, make_agreement, make_organisation):
    own = make_organisation()
    active, draft, expired, terminated = (make_organisation() for _ in range(4))
    today = services.today()
    make_agreement(S.SIGNED, organisation_ids=[own, active])
    make_agreement(S.APPROVED, organisation_ids=[own, draft])
    make_agreement(
        S.SIGNED,
        organisation_ids=[own, expired],
        signed_on=today - timedelta(days=30),
        effective_until=today - timedelta(days=1),
    )
    make_agreement(S.TERMINATED, organisation_ids=[own, terminated])
    with app.app_context():
        ids = set(db.session.scalars(queries.organisation_ids_with_active_agreement()))
    assert active in ids and own in ids
    assert not ids & {draft, expired, terminated}


# --- the signed scan -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.4\nbut then nothing that a reader could open",
        simple_pdf(["x"])[:-60],  # cut short: no end-of-file mark
        b"MZ\x90\x00" + simple_pdf(["x"]),
    ],
)
def test_an_upload_that_is_not_a_pdf_is_refused(app, make_agreement, staff_user, data):
    agreement_id = make_agreement(S.SIGNED)
    with app.app_context():
        with pytest.raises(services.AgreementError) as refused:
            services.upload_scan(
                _load(agreement_id), db.session.get(User, staff_user), data, "scan.pdf"
            )
        assert refused.value.field == "scan"
        assert _load(agreement_id).scan_path is None
        folder = Path(app.config["STORAGE_DIR"]) / "agreements" / "scans"
        assert not folder.exists() or not any(
            path.read_bytes() == data for path in folder.iterdir()
        )


def test_an_oversized_upload_is_refused(app, make_agreement, staff_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    agreement_id = make_agreement(S.SIGNED)
    with app.app_context(), pytest.raises(services.AgreementError, match="larger than"):
        services.upload_scan(
            _load(agreement_id), db.session.get(User, staff_user), simple_pdf(["x"]), "a.pdf"
        )


def test_the_scan_is_stored_outside_the_static_folder_with_its_hash(
    app, make_agreement, staff_user, agreement_events
):
    import hashlib

    agreement_id = make_agreement(S.SIGNED)
    data = simple_pdf(["MOU signed copy"])
    with app.app_context():
        services.upload_scan(
            _load(agreement_id), db.session.get(User, staff_user), data, "../../etc/scan.pdf"
        )
        agreement = _load(agreement_id)
        path = services.scan_file(agreement)
        assert path.read_bytes() == data
        assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
        assert agreement.scan_sha256 == hashlib.sha256(data).hexdigest()
        assert agreement.scan_size == len(data)
        assert agreement.scan_filename == "scan.pdf"
        assert agreement.scan_uploaded_by_id == staff_user
    assert agreement_events(agreement_id)[-1][0] == "uploaded signed copy"


def test_a_scan_is_filed_only_after_signing(app, make_agreement, staff_user):
    agreement_id = make_agreement(S.APPROVED)
    with (
        app.app_context(),
        pytest.raises(services.AgreementError, match="once the agreement is signed"),
    ):
        services.upload_scan(
            _load(agreement_id), db.session.get(User, staff_user), simple_pdf(["x"]), "a.pdf"
        )
