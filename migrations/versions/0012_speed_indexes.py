"""indexes for speed: agreements by creation and by end date; trigram search on PostgreSQL

Revision ID: 0012_speed_indexes
Revises: 0011_api_tokens
Create Date: 2026-11-21 17:10:00

Agreements: ``(created_at, id)`` serves the list (newest first) without sorting every
agreement; ``(status, effective_until)`` the agreements in force that end soonest (the home
page, the expiring list).

PostgreSQL: ``search_fold(text)`` writes each Thai character as a Latin letter or digit.
pg_trgm takes only letters and digits into its trigrams and splits Thai words at their
vowel and tone marks, so an index on the text itself is of little use for Thai; on the
folded text every Thai word is one word, and its trigrams narrow a search to few rows.
Organisations and proposals keep their folded ``search_text`` in a stored generated column,
``search_folded`` (no model declares it: the database fills it), with a GIN trigram index;
the folding merges characters (91 into 36), so each row the index finds is checked on the
text itself (``registry.search.queries``).
"""

from alembic import op

revision = "0012_speed_indexes"
down_revision = "0011_api_tokens"
branch_labels = None
depends_on = None

#: Thai letters, vowels, marks and digits (U+0E01-U+0E5B), and what each is folded to.
THAI = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮฯะัาำิีึืฺุู฻฼฽฾฿เแโใไๅๆ็่้๊๋์ํ๎๏๐๑๒๓๔๕๖๗๘๙๚๛"
FOLDED = (
    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"
)
FOLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    f"AS $$ SELECT translate($1, '{THAI}', '{FOLDED}') $$"
)
#: The tables with a folded search text, and the name of its trigram index.
TRIGRAM_INDEXES = {
    "organisations": "ix_organisations_search_fold_trgm",
    "proposals": "ix_proposals_search_fold_trgm",
}


def upgrade():
    op.create_index("ix_agreements_created_at_id", "agreements", ["created_at", "id"])
    op.create_index(
        "ix_agreements_status_effective_until", "agreements", ["status", "effective_until"]
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(FOLD_FUNCTION)
    for table, index in TRIGRAM_INDEXES.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_folded text "
            "GENERATED ALWAYS AS (search_fold(search_text)) STORED"
        )
        op.execute(f"CREATE INDEX {index} ON {table} USING gin (search_folded gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, index in TRIGRAM_INDEXES.items():
            op.execute(f"DROP INDEX IF EXISTS {index}")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_folded")
        op.execute("DROP FUNCTION IF EXISTS search_fold(text)")
    op.drop_index("ix_agreements_status_effective_until", table_name="agreements")
    op.drop_index("ix_agreements_created_at_id", table_name="agreements")
