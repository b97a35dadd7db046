"""Tests through the Flask test client."""
