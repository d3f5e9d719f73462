"""What the soak found at the database restart: a request whose page was already made must
not become a 500 because the ROLLBACK that ends its session fails (the server closed the
connection under it)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session


def test_a_failed_rollback_at_the_end_of_a_request_does_not_turn_the_answer_into_a_500(
    client, sign_in, monkeypatch
):
    sign_in("staff")
    real_close = Session.close
    failures = []

    def close_then_fail(self):
        real_close(self)
        if not failures:
            failures.append(True)
            raise sa.exc.OperationalError(
                "ROLLBACK", {}, Exception("server closed the connection unexpectedly")
            )

    monkeypatch.setattr(Session, "close", close_then_fail)
    with client.get("/organisations/") as response:
        assert response.status_code == 200
    assert failures  # the failure did happen, at the end of that request
    with client.get("/organisations/") as response:  # and the next request is served
        assert response.status_code == 200
