"""Encrypted database backups: file format, dumpers, retention and scheduling rules.

The pure parts (`format`, `retention`, `schedule`) import neither Flask nor SQLAlchemy;
`sqlite_dump` and `postgres_dump` talk to the database engines directly.
"""
