"""Entry point for `celery -A workers.worker ...`; only the celery command imports this."""

from app import create_app
from workers.celery_app import make_celery

celery = make_celery(create_app())
