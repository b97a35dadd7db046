"""The base layout works in a real browser: keyboard users can skip to the content."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible once focused

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_layout_fits_a_narrow_phone_screen(page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.get_by_role("main").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()
