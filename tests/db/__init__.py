"""Tests of the database layer: types, locks, scope, models, services."""
