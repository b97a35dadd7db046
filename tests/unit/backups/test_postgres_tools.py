"""pg_dump/pg_restore plumbing: no password on a command line, no row data in messages."""

from __future__ import annotations

import io

from app.backups.postgres_dump import _last_line, libpq_environment


def test_the_connection_goes_through_libpq_variables() -> None:
    env = libpq_environment("postgresql+psycopg://safeslot:s3cret@db.example:6543/safeslot")
    assert env == {
        "PGHOST": "db.example",
        "PGPORT": "6543",
        "PGUSER": "safeslot",
        "PGPASSWORD": "s3cret",
        "PGDATABASE": "safeslot",
    }


def test_an_error_message_never_quotes_the_rows_it_failed_on() -> None:
    stderr = io.BytesIO(
        b"pg_restore: while PROCESSING TOC:\n"
        b"pg_restore: error: could not execute query: ERROR:  new row violates check "
        b'constraint "ck_users_x"\n'
        b"DETAIL:  Failing row contains (Pat Example, pat@example.org).\n"
        b"Command was: COPY public.users (id, email) FROM stdin;\n"
    )
    message = _last_line(stderr)
    assert message.startswith("pg_restore: error: could not execute query")
    assert "Pat" not in message and "example.org" not in message
