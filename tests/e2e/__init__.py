"""End-to-end tests: the real pages in headless Chromium."""
