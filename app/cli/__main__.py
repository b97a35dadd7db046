"""`python -m app.cli` is the same as `safeslot`."""

from app.cli import main

main()
