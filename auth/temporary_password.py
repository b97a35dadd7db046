"""Temporary passwords an administrator reads out to someone who lost theirs.

Lower-case letters and digits in groups of four ("k7pm-2xqa-..."), without the
characters people confuse when reading aloud (l, 1, i, o, 0), so it survives
a phone call. Five groups carry about 99 bits; longer minimums get more
groups. It meets the client's rules like any other password, since it is one
until its owner replaces it at the next sign-in.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Sequence

from auth.password_rules import CharClass, PasswordRules, password_problems

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUP = 4
MIN_GROUPS = 5
#: A draw fails the rules only by chance (no digit, say); this many failures in a row
#: would mean the rules cannot be met at all.
MAX_DRAWS = 100


def temporary_password(
    rules: PasswordRules,
    *,
    email: str = "",
    business_name: str = "",
    choice: Callable[[Sequence[str]], str] = secrets.choice,
) -> str:
    """A random password that meets `rules` and avoids the person's and business's names."""
    # Groups of GROUP characters joined by hyphens: n groups are n * (GROUP + 1) - 1 long.
    groups = max(MIN_GROUPS, math.ceil((rules.min_length + 1) / (GROUP + 1)))
    for _ in range(MAX_DRAWS):
        parts = ["".join(choice(ALPHABET) for _ in range(GROUP)) for _ in range(groups)]
        if CharClass.UPPER in rules.required_classes:
            parts[0] = parts[0].upper()
        password = "-".join(parts)
        if not password_problems(password, rules, email=email, business_name=business_name):
            return password
    raise RuntimeError("no temporary password meets these rules")
