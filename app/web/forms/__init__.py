"""Flask-WTF forms, one module per feature; every form carries a CSRF token."""
