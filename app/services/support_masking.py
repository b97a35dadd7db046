"""How private fields look to platform support: enough to recognise, never the value.

Pure functions over strings. A masked value never contains the whole original
(tests check this for any input), so a screenshot or a shoulder-surfer learns little.
"""

from __future__ import annotations

#: Shown instead of a field support may not see at all (notes, reasons, answers).
HIDDEN = "(hidden)"
#: What replaces the masked part of a value.
STARS = "***"


def initials(name: str | None) -> str:
    """'Cara Customer' -> 'C. C.'; a name of one word shows its first letter only."""
    words = [word for word in (name or "").split() if word[:1].isalnum()]
    if not words:
        return "?"
    shown = " ".join(f"{word[0].upper()}." for word in words[:3])
    return _never_whole(name, shown, "?")


def email(address: str | None) -> str:
    """'jane@example.com' -> 'j***@example.com' (the first letter and the domain only)."""
    if not address:
        return ""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return _never_whole(address, STARS, "")
    return _never_whole(address, f"{local[0]}{STARS}@{domain}", STARS)


def phone(number: str | None) -> str:
    """'+44 20 7946 0958' -> '*** 58': the last two digits, when there are enough to hide."""
    if not number:
        return ""
    digits = [char for char in number if char.isdigit()]
    if len(digits) <= 4:
        return _never_whole(number, STARS, "")
    return _never_whole(number, f"{STARS} {''.join(digits[-2:])}", STARS)


def hidden(value: str | None) -> str:
    """A field support never sees without revealing it: only whether there is one."""
    return HIDDEN if value else ""


def _never_whole(original: str | None, masked: str, fallback: str) -> str:
    # Odd values ("A. B." as a name, "*@x" as an address) could survive masking whole.
    for candidate in (masked, fallback):
        if not original or not original.strip() or original.strip() not in candidate:
            return candidate
    return ""
