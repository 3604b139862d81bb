"""QR codes drawn on the server (segno), embedded in pages so they need no further request."""

from __future__ import annotations

import segno

# Quiet zone in modules: the QR specification asks for four.
BORDER = 4


def qr_svg(text: str, scale: int = 8) -> str:
    """text as a QR code, an SVG data URI for an <img> (sharp at any size, works offline)."""
    return segno.make(text, error="m").svg_data_uri(scale=scale, border=BORDER)


def qr_png(text: str, scale: int = 10) -> str:
    """text as a QR code, a PNG data URI (for saving the ticket to the phone's photos)."""
    return segno.make(text, error="m").png_data_uri(scale=scale, border=BORDER)
