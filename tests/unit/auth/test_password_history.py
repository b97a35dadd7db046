"""Reusing recent passwords: the current one counts, depth 0 is off, at most N bcrypt checks."""

import pytest

from auth.password_history import reuses_recent_password


class FakeBcrypt:
    """A stand-in for bcrypt: a hash is "hash:" + the password; every check is counted."""

    def __init__(self) -> None:
        self.checks = 0

    def verify(self, password: str, stored: str) -> bool:
        self.checks += 1
        return stored == f"hash:{password}"


def hashes(*passwords):
    return [f"hash:{p}" for p in passwords]


#: Newest first: p4 was the password before the current one (p5), p0 the oldest.
EARLIER = hashes("p4", "p3", "p2", "p1", "p0")


def reused(candidate, depth, bcrypt, **kwargs):
    return reuses_recent_password(
        candidate,
        depth=depth,
        current_hash="hash:p5",
        earlier_hashes=EARLIER,
        verify=bcrypt.verify,
        **kwargs,
    )


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_the_current_password_and_the_ones_before_it_count_up_to_the_depth(depth):
    recent = ["p5", "p4", "p3", "p2", "p1", "p0"]
    for position, password in enumerate(recent):
        assert reused(password, depth, FakeBcrypt()) is (position < depth), (depth, password)


def test_depth_zero_allows_any_reuse_and_checks_nothing():
    bcrypt = FakeBcrypt()
    assert not reused("p5", 0, bcrypt)
    assert bcrypt.checks == 0


@pytest.mark.parametrize("depth", [1, 3, 5, 24])
def test_at_most_depth_hashes_are_checked(depth):
    bcrypt = FakeBcrypt()
    assert not reused("never used", depth, bcrypt)
    assert bcrypt.checks == min(depth, 1 + len(EARLIER))


def test_checking_stops_at_the_first_match():
    bcrypt = FakeBcrypt()
    assert reused("p4", 5, bcrypt)
    assert bcrypt.checks == 2


def test_a_known_current_password_saves_its_bcrypt_check():
    bcrypt = FakeBcrypt()
    assert not reused("never used", 5, bcrypt, current_password="p5")
    assert bcrypt.checks == 4
    assert reused("p3", 5, FakeBcrypt(), current_password="p5")


def test_the_current_password_typed_differently_is_reuse_without_any_check():
    bcrypt = FakeBcrypt()
    # Full-width letters are the same password after NFKC, which is what is hashed.
    assert reused("ｐ５", 5, bcrypt, current_password="p5")
    assert bcrypt.checks == 0


def test_fewer_earlier_passwords_than_the_depth_are_all_checked():
    bcrypt = FakeBcrypt()
    assert not reuses_recent_password(
        "new", depth=24, current_hash="hash:old", earlier_hashes=[], verify=bcrypt.verify
    )
    assert bcrypt.checks == 1
