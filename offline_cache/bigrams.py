"""Bigram tokens for the short-query (1 and 2 character) index, and the query terms split the same way.

offline_cache.fts indexes these tokens in a contentless FTS5 table (migration 0003 through the SQL
function `oc_bigrams`); a contentless delete must repeat the exact tokens of the insert, so changing the output of this
module needs an Alembic revision that rebuilds the `*_bi` tables.
"""

from __future__ import annotations

import re

# Runs of letters and digits (what FTS5's unicode61 tokenizer keeps together); everything else splits.
_RUN = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """Lower-cased letter/digit runs of a query or a text, in order."""
    return _RUN.findall(text.lower())


def bigram_tokens(*texts: str | None) -> str:
    """Every adjacent character pair of every run, plus each run's last character, space-separated.

    With these tokens a 2-character substring is one token and a 1-character substring is a prefix
    of some token, so the index finds exactly what `LIKE '%xy%'` finds in the same texts.
    """
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for run in terms(text):
            for i in range(len(run) - 1):
                seen[run[i : i + 2]] = None
            seen[run[-1]] = None
    return " ".join(seen)


def has_terms(joined_terms: str, *texts: str | None) -> bool:
    """Whether every term of `joined_terms` (query terms joined by a space) occurs in one of `texts`.

    The same rule the two FTS indexes implement, checked on one row's texts: a query term is a
    letter/digit run, so it occurs in a text exactly when it is a substring of the lower-cased text
    (and cannot straddle two joined columns). Registered as the SQL function `oc_has_terms` so a
    search can walk an index in display order and test the text per row instead of reading the
    whole (large) FTS match first.
    """
    lowered = [t.lower() for t in texts if t]
    return all(any(term in text for text in lowered) for term in joined_terms.split(" ") if term)
