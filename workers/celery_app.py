"""Build Celery from the Flask app: settings from its config, tasks run in its context."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

import workers.tasks  # noqa: F401  (defines the shared tasks every Celery app gets)
from app.config import Config
from workers.beat import BEAT_SCHEDULE


def celery_settings(config: Config) -> dict[str, Any]:
    """Celery settings derived from the application's configuration."""
    return {
        "broker_url": config.celery_broker_url,
        "result_backend": config.celery_result_backend,
        # JSON only: a message can never make the worker unpickle arbitrary objects.
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "timezone": "UTC",
        "enable_utc": True,
        "task_ignore_result": True,
        "result_expires": 24 * 3600,
        "broker_connection_retry_on_startup": True,
        "beat_schedule": BEAT_SCHEDULE,
        "beat_schedule_filename": str(config.instance_path / "celerybeat-schedule"),
        "worker_hijack_root_logger": False,
    }


def make_celery(flask_app: Flask) -> Celery:
    """A Celery app whose tasks run inside `flask_app`'s application context."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(flask_app.import_name, task_cls=FlaskTask)
    celery.conf.update(celery_settings(flask_app.config["SAFESLOT"]))
    celery.set_default()
    flask_app.extensions["celery"] = celery
    return celery
