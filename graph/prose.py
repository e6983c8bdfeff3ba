"""Names as they stand in an English sentence: one rule for every sentence the code writes about a place.

A country's label is its name in a list or a heading ("Philippines", "United States", "Republic of Korea"); in a
sentence, a name that is plural or names the state by a common noun takes "the" ("4 projects in the Philippines
are left out", "Da Nang pairs with the United States"). The rule reads the name, so a partner country added to the
data is written right without a list to keep up to date.
"""

from __future__ import annotations

import re

__all__ = ["in_sentence", "period_in_words"]

_TAKES_THE = re.compile(r"\b(?:Republic|Federation|Kingdom|States|Union|Emirates|Islands|Philippines|Netherlands)\b")


def in_sentence(name: str) -> str:
    """``name`` as written inside a sentence: with "the" where English puts it before the name.

    >>> in_sentence("Philippines"), in_sentence("Republic of Korea"), in_sentence("Viet Nam")
    ('the Philippines', 'the Republic of Korea', 'Viet Nam')
    >>> in_sentence("the Philippines")
    'the Philippines'
    """
    if name.lower().startswith("the ") or not _TAKES_THE.search(name):
        return name
    return "the " + name


def period_in_words(period: str) -> str:
    """A period as stated in the sources, as a person reads it: "-2030" (no start year given) read like a negative
    number, and "2025-" like a sum left unfinished. The stated text itself is kept in the graph.

    >>> period_in_words("-2030"), period_in_words("2025-"), period_in_words("2018-2025"), period_in_words("2019")
    ('until 2030', 'from 2025', '2018-2025', '2019')
    """
    text = period.strip()
    if text.startswith("-") and text[1:].strip():
        return "until " + text[1:].strip()
    if text.endswith("-") and text[:-1].strip():
        return "from " + text[:-1].strip()
    return period
