"""Tests against real PostgreSQL and Redis (skipped unless configured)."""
