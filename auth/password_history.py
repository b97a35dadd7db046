"""Whether a new password reuses one of the last N a person had.

The current password counts as one of the N, so a client whose policy says 5
refuses the current password and the four before it; 0 turns the check off.
Every comparison is a bcrypt check (about 285 ms at cost 12), so at most N
hashes are checked, newest first, stopping at the first match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from auth.password_rules import normalise

#: (password, stored hash) -> whether they match; `auth.passwords.verify_password` with the pepper.
Verify = Callable[[str, str], bool]


def reuses_recent_password(
    candidate: str,
    *,
    depth: int,
    current_hash: str,
    earlier_hashes: Sequence[str],
    verify: Verify,
    current_password: str | None = None,
) -> bool:
    """True if `candidate` is the current password or one of the `depth - 1` before it.

    `earlier_hashes` are the person's earlier hashes, newest first. When the caller
    has just checked `current_password` against `current_hash`, passing it saves that
    hash's bcrypt check: hashes are taken over the NFKC form (see auth.passwords), so
    the candidate matches the current hash exactly when the two forms are equal.
    """
    if depth <= 0:
        return False
    if current_password is None:
        hashes = [current_hash, *earlier_hashes[: depth - 1]]
    elif normalise(candidate) == normalise(current_password):
        return True
    else:
        hashes = list(earlier_hashes[: depth - 1])
    return any(verify(candidate, stored) for stored in hashes)
