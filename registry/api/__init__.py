"""The read-only JSON API under /api/v1 and the tokens that open it."""
