"""Where a value sits against its usual range, as positions on a 0-100 bar drawn in inline SVG.

The page places the band and the marker with SVG attributes (the CSP forbids inline styles).
The marker stays on the bar for far-out values: a glucose of 600 sits at the right edge, not
off-screen (the words beside the bar say how far).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

EDGE = 2.0  # keeps the marker's whole width visible at either end


@dataclass(frozen=True)
class RangeBar:
    band_start: float
    band_width: float
    marker: float


def range_bar(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> RangeBar | None:
    """The usual range takes the middle half of the bar when both ends are known; with one end,
    the bar starts at zero (lab values with a one-sided range are never negative)."""
    if value is None:
        return None
    v = float(value)
    if low is not None and high is not None and high > low:
        lo, hi = float(low), float(high)
        band_start, band_width = 25.0, 50.0
        position = 25 + 50 * (v - lo) / (hi - lo)
    elif low is None and high is not None and high > 0:
        band_start, band_width = 0.0, 60.0
        position = 60 * v / float(high)
    elif high is None and low is not None and low > 0:
        band_start, band_width = 40.0, 60.0
        position = 40 * v / float(low)
    else:
        return None
    return RangeBar(band_start=band_start, band_width=band_width, marker=round(min(max(position, EDGE), 100 - EDGE), 1))
