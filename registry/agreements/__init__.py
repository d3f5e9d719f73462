"""Agreements (MOU / MOA) with partner organisations: the record, its lifecycle, the staff and
representative pages, expiry reminders, demo data and the printed document."""
