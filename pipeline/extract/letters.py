"""Letter classes for the extractors' regexes: `[A-ZÀ-Ỹ]` also holds lower-case letters (the
range U+00C0-U+1EF8 interleaves both cases), so a capital is any letter `str.isupper` calls one.
"""

from __future__ import annotations

import re

CAPITALS = "".join(ch for ch in map(chr, range(0x41, 0x2000)) if ch.isupper())
CAPITAL = f"(?-i:[{re.escape(CAPITALS)}])"  # one capital letter, also inside a re.I pattern
