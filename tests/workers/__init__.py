"""Tests of the Celery wiring and tasks."""
