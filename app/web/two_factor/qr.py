"""The enrolment QR code, drawn as inline SVG markup.

Inline markup rather than an image: the Content-Security-Policy allows no
`data:` images, and a separate image URL would put the secret in a URL (and
in logs). segno draws with presentation attributes, which the policy allows.
"""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(uri: str) -> Markup:
    """`uri` as a QR code in SVG, ready to place in a page."""
    code = segno.make(uri, error="m", micro=False)
    svg = code.svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        title="QR code to scan with your authenticator app",
    )
    # segno writes only path geometry and the fixed title above: no text from the URI.
    return Markup(svg)  # noqa: S704
