"""VADER sentence scores exactly as NLTK computes them, about ten times faster.

NLTK's ``SentimentIntensityAnalyzer.polarity_scores`` builds, for every sentence, a table of
every word of the sentence glued to each of 17 punctuation marks, only to strip one mark from
the words; then it looks every word up several times through method calls. :class:`ExactVader`
computes the same ``neg, neu, pos, compound`` with:

1. one compiled regular expression (:data:`STRIP_PATTERN`) that reproduces NLTK's ``SentiText``
   tokens: the sentence is split on white space, one-character tokens are dropped, and a token
   made of one mark of NLTK's ``PUNC_LIST`` (``.``, ``!!``, ``?!?`` ...) followed or preceded by
   two or more characters without ASCII punctuation loses that mark (``peace,`` -> ``peace``;
   ``(peace)`` and ``“peace”`` stay as they are, as in NLTK). The rule looks at the token alone
   (NLTK's table holds every stripped word of the sentence, and a token's own stripped form is
   always among them), so each distinct token is matched once per process and remembered;
2. set operations against per-process caches of the tokens seen so far, so that a sentence
   without a lexicon word costs a split and a set difference;
3. VADER's rules applied only at the lexicon words, in a plain loop over the token list.

Every rule is NLTK's, including its quirks, which are reproduced rather than corrected:

- a repeated token is scored in the context of its *first* occurrence (NLTK looks the index
  up with ``list.index``), so in "not good, good" both "good"s are negated;
- boosters and dampeners ("very", "slightly") within three words scale the valence (x 0.95 at
  distance two, x 0.9 at three), stronger in capitals when some but not all words are capitals;
- a negation (NLTK's ``NEGATE`` list, or any word containing ``n't``) within three words
  multiplies by -0.74 ("not a good plan"); a booster or negation counts only if it is not
  itself a lexicon word (NLTK looks each of the three words up in the lexicon first);
- "never so good" / "never this good" multiply by 1.5 (1.25 at distance three), and, as NLTK
  writes the test, *any* "so" or "this" just before the word multiplies by 1.25 when the
  word three back is not a lexicon word ("this good" after two neutral words);
- "least" just before a word negates it, except after "at" or "very";
- "kind" followed by "of" and every booster score zero themselves;
- NLTK's seven special-case idioms ("the bomb", "kiss of death", ...) replace the valence,
  and "kind of" / "sort of" / "just enough" two and three words back dampen it (only checked
  three words into a sentence, as in NLTK);
- after "but", words count 1.5 times, before it 0.5 times;
- "!" (up to four) and "?" (two or more) in the whole text add emphasis.

The lexicon is a plain mapping of lower-case tokens to valences: the analyzer's own
(:func:`corpus_tools.sentiment.vader_scorer` builds it, with the domain overrides and their
placeholder tokens), so nothing here reads a file. The lists of boosters, negations and
idioms are NLTK's own ``VaderConstants``, imported, not copied.
"""
from __future__ import annotations

import math
import re
import string
from typing import Iterable, Mapping

import numpy as np

__all__ = ["ExactVader", "STRIP_PATTERN", "vader_tokens"]


MEMO_LIMIT = 200_000  # distinct tokens remembered before the memos start afresh


def _constants():
    from nltk.sentiment.vader import VaderConstants

    return VaderConstants


def _strip_pattern() -> re.Pattern:
    punc = sorted(_constants().PUNC_LIST, key=lambda p: (-len(p), p))
    marks = "(?:" + "|".join(re.escape(p) for p in punc) + ")"
    plain = "[^\\s" + re.escape(string.punctuation) + "]{2,}"
    return re.compile(f"{marks}({plain})|({plain}){marks}")


STRIP_PATTERN = _strip_pattern()
"""A white-space token that fully matches loses its mark: group 1 or 2 is what NLTK keeps."""


class _TokenCache(dict):
    """White-space token -> NLTK's token ("" for a one-character token, dropped), filled on demand."""

    def __missing__(self, token: str) -> str:
        if len(self) > MEMO_LIMIT:  # bound the memory on a corpus with an endless vocabulary
            self.clear()
        if len(token) < 2:
            kept = ""
        else:
            match = STRIP_PATTERN.fullmatch(token)
            kept = (match.group(1) or match.group(2)) if match else token
        self[token] = kept
        return kept


def vader_tokens(text: str, *, _cache: _TokenCache = _TokenCache()) -> list[str]:
    """The tokens NLTK's VADER scores (``SentiText.words_and_emoticons``), without its
    punctuation x word table: split on white space, drop one-character tokens, and strip one
    ``PUNC_LIST`` mark from a token that :data:`STRIP_PATTERN` fully matches.

    Examples
    --------
    >>> vader_tokens("“Peace,” he said: a GOOD day!! (really) :) x")
    ['“Peace,”', 'he', 'said', 'GOOD', 'day', '(really)', ':)']
    """
    return list(filter(None, map(_cache.__getitem__, text.split())))


class ExactVader:
    """NLTK's VADER scores for a given lexicon, computed fast.

    Parameters
    ----------
    lexicon : mapping of str to float
        Lower-case token to valence, as ``SentimentIntensityAnalyzer.lexicon``.

    Examples
    --------
    >>> from corpus_tools.sentiment import vader_scorer
    >>> nltk_vader = vader_scorer().analyzer  # NLTK's SentimentIntensityAnalyzer
    >>> text = "Not a good war, but VERY good!"
    >>> ExactVader(nltk_vader.lexicon).polarity_scores(text)
    {'neg': 0.502, 'neu': 0.295, 'pos': 0.204, 'compound': -0.4644}
    >>> _ == nltk_vader.polarity_scores(text)
    True
    """

    def __init__(self, lexicon: Mapping[str, float]):
        c = _constants()
        self.lexicon = dict(lexicon)
        self._booster = dict(c.BOOSTER_DICT)
        self._negate = frozenset(c.NEGATE)
        self._idioms = dict(c.SPECIAL_CASE_IDIOMS)
        # the last words of the idioms and of the two-word boosters ("kind of"): no idiom can match
        # around a word unless one of them is near (NLTK compares these strings case-sensitively)
        self._idiom_last = frozenset(key.split()[-1] for key in [*self._idioms, *self._booster] if " " in key)
        self._b_incr, self._b_decr, self._c_incr, self._n_scalar = c.B_INCR, c.B_DECR, c.C_INCR, c.N_SCALAR
        self._known: set[str] = set()  # tokens already classified
        self._hot: dict[str, float] = {}  # token -> valence, for tokens whose lower form is a lexicon word, not a booster
        self._hot_set: set[str] = set()  # the same tokens, as a set for intersections
        self._kind: set[str] = set()  # tokens whose lower form is "kind"
        self._upper: set[str] = set()  # tokens for which str.isupper() holds
        self._but: set[str] = set()  # tokens whose lower form is "but"
        self._plain: set[str] = set()  # tokens that change no neighbour: no booster, negation, never, so, this, least
        self._tokens = _TokenCache()

    def _learn(self, new: set[str]) -> None:
        lexicon, booster = self.lexicon, self._booster
        for token in new:
            lower = token.lower()
            if lower in lexicon and lower not in booster:
                self._hot[token] = lexicon[lower]
                self._hot_set.add(token)
            if lower == "kind":
                self._kind.add(token)
            if token.isupper():
                self._upper.add(token)
            if lower == "but":
                self._but.add(token)
            if not (lower in booster or self._negated(token) or lower == "least" or token in ("never", "so", "this")):
                self._plain.add(token)
        self._known |= new

    def _scalar(self, word: str, valence: float, cap_diff: bool) -> float:
        # VaderConstants.scalar_inc_dec
        scalar = 0.0
        lower = word.lower()
        if lower in self._booster:
            scalar = self._booster[lower]
            if valence < 0:
                scalar *= -1
            if word.isupper() and cap_diff:
                if valence > 0:
                    scalar += self._c_incr
                else:
                    scalar -= self._c_incr
        return scalar

    def _negated(self, word: str) -> bool:
        lower = word.lower()
        return lower in self._negate or "n't" in lower

    def _idioms_check(self, valence: float, words: list[str], i: int) -> float:
        idioms = self._idioms
        onezero = f"{words[i - 1]} {words[i]}"
        twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
        twoone = f"{words[i - 2]} {words[i - 1]}"
        threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
        threetwo = f"{words[i - 3]} {words[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in idioms:
                valence = idioms[seq]
                break
        if len(words) - 1 > i:
            zeroone = f"{words[i]} {words[i + 1]}"
            if zeroone in idioms:
                valence = idioms[zeroone]
        if len(words) - 1 > i + 1:
            zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
            if zeroonetwo in idioms:
                valence = idioms[zeroonetwo]
        if threetwo in self._booster or twoone in self._booster:
            valence = valence + self._b_decr
        return valence

    def _valence(self, words: list[str], i: int, cap_diff: bool) -> float:
        """SentimentIntensityAnalyzer.sentiment_valence for the lexicon word at index ``i``."""
        lexicon = self.lexicon
        item = words[i]
        valence = lexicon[item.lower()]
        if item.isupper() and cap_diff:
            if valence > 0:
                valence += self._c_incr
            else:
                valence -= self._c_incr
        n_scalar = self._n_scalar
        for start_i in range(3):
            if i > start_i and words[i - (start_i + 1)].lower() not in lexicon:
                s = self._scalar(words[i - (start_i + 1)], valence, cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                # _never_check
                if start_i == 0:
                    if self._negated(words[i - 1]):
                        valence = valence * n_scalar
                elif start_i == 1:
                    if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
                        valence = valence * 1.5
                    elif self._negated(words[i - 2]):
                        valence = valence * n_scalar
                else:
                    if (words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")
                            or (words[i - 1] == "so" or words[i - 1] == "this")):
                        valence = valence * 1.25
                    elif self._negated(words[i - 3]):
                        valence = valence * n_scalar
                    # every sequence NLTK compares ends at one of words[i-2 .. i+2]
                    if not self._idiom_last.isdisjoint(words[i - 2: i + 3]):
                        valence = self._idioms_check(valence, words, i)
        # _least_check
        if i > 1 and words[i - 1].lower() not in lexicon and words[i - 1].lower() == "least":
            if words[i - 2].lower() != "at" and words[i - 2].lower() != "very":
                valence = valence * n_scalar
        elif i > 0 and words[i - 1].lower() not in lexicon and words[i - 1].lower() == "least":
            valence = valence * n_scalar
        return valence

    def tokens(self, text: str) -> list[str]:
        """NLTK's tokens of ``text`` (as :func:`vader_tokens`, with this scorer's memo)."""
        return list(filter(None, map(self._tokens.__getitem__, text.split())))

    def scores(self, text: str) -> tuple[float, float, float, float]:
        """``(neg, neu, pos, compound)`` of one text, rounded as NLTK rounds them."""
        return self.score_tokens(list(filter(None, map(self._tokens.__getitem__, text.split()))), text)

    def score_tokens(self, words: list[str], text: str) -> tuple[float, float, float, float]:
        """``(neg, neu, pos, compound)`` from the text's tokens (:meth:`tokens`); ``text`` is
        only read for its "!" and "?" (any text with the same counts of both gives the same)."""
        n = len(words)
        if not n:
            return 0.0, 0.0, 0.0, 0.0
        present = set(words)
        new = present - self._known
        if new:
            if len(self._known) > MEMO_LIMIT:  # start afresh, and learn this sentence's tokens again
                for memo in (self._known, self._hot, self._hot_set, self._kind, self._upper, self._but, self._plain):
                    memo.clear()
                new = present
            self._learn(new)
        hot = present & self._hot_set
        if not hot:
            return 0.0, 1.0, 0.0, 0.0  # every sentiment is 0: neu = n / n
        uppers = present & self._upper
        cap_diff = bool(uppers) and bool(present - uppers)  # some but not all words in capitals
        sentiments: list[tuple[int, float]] = []
        plain, idiom_last = self._plain, self._idiom_last
        for token in hot:
            i = words.index(token)
            if i < n - 1 and token in self._kind and words[i + 1].lower() == "of":
                continue
            if plain.issuperset(words[i - 3 if i > 3 else 0: i]) and (i < 3 or idiom_last.isdisjoint(words[i - 2: i + 3])):
                valence = self._hot[token]  # no rule applies: the lexicon value, in capitals boosted
                if cap_diff and token in uppers:
                    valence = valence + self._c_incr if valence > 0 else valence - self._c_incr
            else:
                valence = self._valence(words, i, cap_diff)
            if valence == 0:
                continue
            sentiments.append((i, valence))
            j = i
            while True:  # later occurrences are scored at the first one (NLTK's list.index)
                try:
                    j = words.index(token, j + 1)
                except ValueError:
                    break
                sentiments.append((j, valence))
        if not sentiments:
            return 0.0, 1.0, 0.0, 0.0
        sentiments.sort()
        buts = present & self._but
        if buts:
            bi = min(words.index(b) for b in buts)
            values = [v * 0.5 if j < bi else v * 1.5 if j > bi else v for j, v in sentiments]
        else:
            values = [v for _, v in sentiments]
        return self._score_valence(values, n, text)

    @staticmethod
    def _score_valence(values: list[float], n: int, text: str) -> tuple[float, float, float, float]:
        # SentimentIntensityAnalyzer.score_valence over the non-zero sentiments (the zeros add nothing)
        sum_s = float(sum(values))
        ep = text.count("!")
        if ep > 4:
            ep = 4
        amplifier = ep * 0.292
        qm = text.count("?")
        if qm > 1:
            amplifier += qm * 0.18 if qm <= 3 else 0.96
        if sum_s > 0:
            sum_s += amplifier
        elif sum_s < 0:
            sum_s -= amplifier
        compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
        pos_sum = 0.0
        neg_sum = 0.0
        neu_count = n
        for s in values:
            if s > 0:
                pos_sum += float(s) + 1
                neu_count -= 1
            elif s < 0:
                neg_sum += float(s) - 1
                neu_count -= 1
        if pos_sum > math.fabs(neg_sum):
            pos_sum += amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= amplifier
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return (round(math.fabs(neg_sum / total), 3), round(math.fabs(neu_count / total), 3),
                round(math.fabs(pos_sum / total), 3), round(compound, 4))

    def polarity_scores(self, text: str) -> dict[str, float]:
        """The dictionary ``SentimentIntensityAnalyzer.polarity_scores`` returns for ``text``."""
        neg, neu, pos, compound = self.scores(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def score_many(self, texts: Iterable[str]) -> np.ndarray:
        """An ``(n, 4)`` float array of ``neg, neu, pos, compound``, one row per text.

        Examples
        --------
        >>> ExactVader({"good": 1.9}).score_many(["good", "fine"]).tolist()
        [[0.0, 0.0, 1.0, 0.4404], [0.0, 1.0, 0.0, 0.0]]
        """
        rows = [self.scores(t) for t in texts]
        return np.array(rows, dtype=float).reshape(len(rows), 4)
