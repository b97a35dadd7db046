"""Celery app and tasks: thin wrappers that call the same services the web uses."""
