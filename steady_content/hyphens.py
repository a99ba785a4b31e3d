"""Soft hyphens in module titles, for the progress grid's narrow column headings.

A module's column on the grid is about nine letters wide. A browser with a hyphenation
dictionary breaks a longer word there with ``hyphens: auto``; one without (chromium as Debian
builds it, for one) breaks it anywhere and shows "Depress ion". So the catalog carries each
title with soft hyphens (U+00AD) where the language's dictionary allows a break. They are made
here, when the content is published, never per request; the Lambda does not carry the
dictionaries."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

SOFT_HYPHEN = "\u00ad"
# Pyphen's dictionary for each content locale (its "en" is British: "com-mu-nic-a-tion").
DICTIONARIES = {"en": "en_US", "es": "es"}
# Shorter words fit a column; a break leaves at least 3 letters on each side.
LONG_WORD = re.compile(r"\w{7,}")


@lru_cache(maxsize=len(DICTIONARIES))
def _dictionary(locale: str) -> Any:
    import pyphen  # only the publishing run needs it

    return pyphen.Pyphen(lang=DICTIONARIES[locale], left=3, right=3)


def soft_hyphenated(title: str, locale: str) -> str:
    """``title`` with a soft hyphen at each break its language allows in a long word
    (unchanged for a locale without a dictionary)."""
    if locale not in DICTIONARIES:
        return title
    words = _dictionary(locale)
    # Composed first: a decomposed "ción" would end the word before its accent.
    composed = unicodedata.normalize("NFC", title)
    return LONG_WORD.sub(lambda m: str(words.inserted(m.group(0), hyphen=SOFT_HYPHEN)), composed)
