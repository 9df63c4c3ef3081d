"""How often a phrase was chosen as a keyphrase by people: KEA's "keyphrase frequency" feature
(Frank, Paynter, Witten, Gutwin and Nevill-Manning, "Domain-specific keyphrase extraction", IJCAI
1999), for the ranker (ranker.py).

A phrase authors and indexers keep choosing — ``social network``, ``reinforcement learning``,
``information retrieval`` — is a topic, not one paper's wording. The counts come from the gold keys
of the public keyphrase sets the ranker is trained on (bench/train_ranker.py): for each Porter-stemmed
phrase, in how many documents it was a gold key and in how many it was a candidate. They ship inside
``ranker.json`` with the trees; a phrase no set knows scores 0 here and is judged by the other
features alone. docs/tags-history.md has what it adds, measured on sets that were left out of the counts.

A phrase no set knows still has a head word, and heads generalise where phrases do not: people's
keys end in *detection*, *network*, *learning* far more often than in *result* or *paper*. So the
same two counts are kept per head (a phrase's last word): in how many documents a gold key ended
in it, and in how many a candidate did.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from zotbridge.tags.keyphrases import porter_stem

# A phrase that only ever modifies a longer one in a paper ("sponsored search" in "sponsored search
# advertising") is still a tag when people chose it as a key in at least this many documents;
# "pre-trained language" and "large language" never were (docs/tags.md).
KNOWN_KEY = 2

COLUMNS = (
    "keyphrase_docs",
    "keyphrase_rate",
    "rarest_word_keyphrase",
    "commonest_word_keyphrase",
    "head_keyphrase_docs",
    "head_keyphrase_rate",
)


@lru_cache(maxsize=65536)
def stem_phrase(phrase: str) -> str:
    """A phrase as the keyphrase sets are compared: lower case, hyphens as spaces, every word
    Porter-stemmed (the usual protocol of keyphrase evaluation). Remembered: the ranker asks for a
    candidate's stems twice, for its features and for whether it is a known key."""
    return " ".join(porter_stem(w) for w in re.split(r"[\s\-]+", phrase.lower()) if w)


@dataclass(frozen=True)
class Keyphraseness:
    """Stemmed phrase -> (documents where it was a gold key, documents where it was a candidate),
    and stemmed head word -> (documents where a gold key ended in it, documents where a candidate
    did)."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    heads: dict[str, tuple[int, int]] = field(default_factory=dict)

    def known_key(self, key: str) -> bool:
        """Whether people chose the phrase as a keyphrase in KNOWN_KEY documents or more."""
        return self.counts.get(stem_phrase(key), (0, 0))[0] >= KNOWN_KEY

    def columns(self, key: str) -> list[float]:
        """The ranker's keyphraseness features of a candidate (COLUMNS order): how often the phrase
        was a gold key (log), in what share of the documents it appeared in, and the same count for
        its least and most often chosen word taken alone, then the first two for its head."""
        stemmed = stem_phrase(key)
        gold, seen = self.counts.get(stemmed, (0, 0))
        words = [self.counts.get(w, (0, 0))[0] for w in stemmed.split()] or [0]
        head_gold, head_seen = self.heads.get(head(stemmed), (0, 0))
        return [
            math.log1p(gold),
            gold / (seen + 1),
            math.log1p(min(words)),
            math.log1p(max(words)),
            math.log1p(head_gold),
            head_gold / (head_seen + 1),
        ]


def head(stemmed: str) -> str:
    """A stemmed phrase's head: its last word."""
    return stemmed.rsplit(" ", 1)[-1]
