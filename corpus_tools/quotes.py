"""Who is quoted: direct quotations, their speakers, indirect speech, and an evaluation.

A rule-based attributor in the spirit of the Gender Gap Tracker's quote extractor, with no
trained model:

1. **Spans.** Every passage between quotation marks (curly or straight, double; single marks
   outside double quotes) in the cleaned text. A closing mark with no opening one at the start
   of a paragraph opens the span at the paragraph start; an opening mark that is never closed
   runs to the next opening mark or the paragraph end. Odd marks never raise.
2. **Attribution**, first rule that fires: a speaker and reporting verb right after the quote
   (``verb-after``: "..., Macron said" / "..., said Macron"); "according to X" in the same
   sentence (``according-to``); a colon after a clause with a subject (``colon``); a reporting
   verb before the quote in the same sentence with its subject (``verb-before``); a speaker and
   verb later in the sentence (``verb-after``); a quote standing alone as its own sentence
   takes the previous speech quote's speaker (``continuation``). A pronoun subject is resolved to
   the nearest person named before it outside quotes, gender permitting (``pronoun``); a title
   ("the French leader") by the document's date (``title``).
3. **Kind.** ``speech``, ``scare`` (a quoted term: an actor's name such as "coalition of the
   willing", a phrase after "so-called", a term the same report also uses without marks or
   quoted before as a term, or a short quote with no speaker) or ``heading`` (a quote in a
   headline or subheading). Only ``speech`` counts as voice.

Speakers: known actors (``data/actors.csv``) get their canonical name in ``actor``; unnamed
sources ("sources from Kyiv", "a White House official") keep the phrase as written with
``speaker_type = unnamed``; capitalised names the gazetteer does not know keep the name as
written with ``actor`` empty and ``speaker_type = unknown`` (see :func:`candidate_speakers`).
Cue words (reporting verbs, source nouns, label cues) live in ``data/speech_cues.csv``.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.resources import load_stopwords, read_table
from corpus_tools.speakers import Lexicon, _is_place, build_lexicon, document_dates, find_mentions, load_actors, load_titles

QUOTE_COLUMNS = ["doc_id", "quote_id", "sent_id", "start", "end", "text", "speaker", "actor", "verb",
                 "how_attributed", "kind", "speaker_type", "n_words"]
INDIRECT_COLUMNS = ["doc_id", "sent_id", "start", "end", "text", "speaker", "actor", "verb", "speaker_type"]
CUE_KINDS = ("reporting_verb", "source_noun", "source_modifier", "label_cue", "not_name")
OPEN_DOUBLE, CLOSE_DOUBLE, STRAIGHT_DOUBLE = "\u201c\u201e\u00ab", "\u201d\u00bb", '"'
OPEN_SINGLE, CLOSE_SINGLE, STRAIGHT_SINGLE = "\u2018", "\u2019", "'"
MASK = "\u2588"
_PRONOUNS = {"he": "male", "she": "female", "him": "male", "her": "female"}
_AUX = (r"(?:has|have|had|will|would|did|does|do|was|is|also|then|later|again|however|further|"
        r"once|\w+ly|,)")
_PREPOSITIONS = {"of", "with", "to", "for", "by", "on", "in", "at", "from", "about", "against", "between", "and",
                 "than", "into", "over", "after", "before", "like", "among", "toward", "towards"}


def load_speech_cues(data_dir: Path | str | None = None) -> dict[str, frozenset[str]]:
    """Read ``data/speech_cues.csv`` (``cue, kind, note``): word sets by kind.

    Examples
    --------
    >>> cues = load_speech_cues()
    >>> "said" in cues["reporting_verb"], "spokesperson" in cues["source_noun"]
    (True, True)
    """
    path = _data_dir(data_dir) / "speech_cues.csv"
    table = read_table(path, ["cue", "kind"], what="speech cues")
    bad = table[~table["kind"].isin(CUE_KINDS)]
    if len(bad):
        line = int(bad.index[0]) + 2
        raise CorpusError(f"{path} line {line}: kind {bad['kind'].iloc[0]!r} is not one of {', '.join(CUE_KINDS)}")
    return {k: frozenset(table.loc[table["kind"] == k, "cue"].str.strip()) for k in CUE_KINDS}


# ---------------------------------------------------------------------------------------------
# 1. spans


def quote_spans(text: str) -> list[dict]:
    """The quoted passages of a text: dicts with ``start, end`` (the inside, marks excluded),
    ``open, close`` (the marks' offsets, -1 when missing) and ``flag``.

    ``flag`` is ``""``, ``"missing-open"`` (a paragraph-initial closing mark) or ``"unclosed"``.

    Examples
    --------
    >>> t = 'He said: \\u201cYes,\\u201d and "no". It\\'s \\'fine\\'.'
    >>> [t[s["start"]:s["end"]] for s in quote_spans(t)]
    ['Yes,', 'no', 'fine']
    >>> u = 'we will go,\\u201d he said. \\u201cAnd stay'
    >>> [u[s["start"]:s["end"]] for s in quote_spans(u)]
    ['we will go,', 'And stay']
    >>> quote_spans('odd \\u201d\\u201d\\u201c marks \\u201c')[0]["flag"]
    'missing-open'
    """
    spans: list[dict] = []
    for para in re.finditer(r"[^\n]+", text):
        a, b = para.span()
        doubles = _pair(text, a, b, _double_marks(text, a, b))
        spans.extend(doubles)
        inside = [(s["open"] if s["open"] >= 0 else s["start"], s["close"] if s["close"] >= 0 else s["end"]) for s in doubles]
        singles = [(i, d) for i, d in _single_marks(text, a, b) if not any(x <= i <= y for x, y in inside)]
        spans.extend(s for s in _pair(text, a, b, singles, strict=True))
    spans = [s for s in spans if text[s["start"]:s["end"]].strip()]
    for s in spans:
        inner = text[s["start"]:s["end"]]
        s["start"] += len(inner) - len(inner.lstrip())
        s["end"] -= len(inner) - len(inner.rstrip())
    return sorted(spans, key=lambda s: s["start"])


def _double_marks(text: str, a: int, b: int) -> list[tuple[int, str]]:
    marks = []
    for i in range(a, b):
        ch = text[i]
        if ch in OPEN_DOUBLE:
            marks.append((i, "open"))
        elif ch in CLOSE_DOUBLE:
            marks.append((i, "close"))
        elif ch == STRAIGHT_DOUBLE:
            prev = text[i - 1] if i > a else " "
            nxt = text[i + 1] if i + 1 < b else " "
            if (prev.isspace() or prev in "([{\u2014\u2013-/") and not nxt.isspace():
                marks.append((i, "open"))
            elif not prev.isspace() and (nxt.isspace() or nxt in ".,;:!?)]}\u2014-"):
                marks.append((i, "close"))
            else:
                marks.append((i, "either"))
    return marks


def _single_marks(text: str, a: int, b: int) -> list[tuple[int, str]]:
    marks = []
    for i in range(a, b):
        ch = text[i]
        if ch not in OPEN_SINGLE + CLOSE_SINGLE + STRAIGHT_SINGLE:
            continue
        prev = text[i - 1] if i > a else " "
        nxt = text[i + 1] if i + 1 < b else " "
        if (prev.isspace() or prev in "([{\u2014\"\u201c") and nxt.isalnum():
            marks.append((i, "open"))
        elif (prev.isalnum() or prev in ".,!?") and not nxt.isalnum():
            marks.append((i, "close"))
    return marks


def _pair(text: str, a: int, b: int, marks: list[tuple[int, str]], *, strict: bool = False) -> list[dict]:
    spans: list[dict] = []
    open_at = None
    for i, direction in marks:
        if direction == "either":
            direction = "close" if open_at is not None else "open"
        if direction == "open":
            if open_at is not None and not strict:
                spans.append({"start": open_at + 1, "end": i, "open": open_at, "close": -1, "flag": "unclosed"})
            open_at = i
        elif open_at is not None:
            spans.append({"start": open_at + 1, "end": i, "open": open_at, "close": i, "flag": ""})
            open_at = None
        elif not strict and not spans and text[a:i].strip():
            spans.append({"start": a, "end": i, "open": -1, "close": i, "flag": "missing-open"})
    if open_at is not None and not strict:
        spans.append({"start": open_at + 1, "end": b, "open": open_at, "close": -1, "flag": "unclosed"})
    return spans


# ---------------------------------------------------------------------------------------------
# 2. speakers and attribution


@dataclass
class _Candidate:
    start: int
    end: int
    speaker: str
    actor: str
    speaker_type: str  # person, country, organisation, unnamed, unknown, pronoun
    how: str = ""  # title / pronoun / name
    gender: str = ""
    possessive: bool = False


class _Doc:
    """One document prepared for attribution: masked text, sentences, speaker candidates."""

    def __init__(self, doc_id: str, text: str, when, lexicon, actors: pd.DataFrame, cues: dict, stop: frozenset,
                 sentence_spans: list[tuple[int, int]]):
        self.doc_id, self.text = doc_id, text
        self.spans = quote_spans(text)
        masked = list(text)
        for s in self.spans:
            lo = s["open"] if s["open"] >= 0 else s["start"]
            hi = (s["close"] + 1) if s["close"] >= 0 else s["end"]
            masked[lo:hi] = MASK * (hi - lo)
        self.masked = "".join(masked)
        self.sentences = sentence_spans
        self.cues, self.stop = cues, stop
        verbs = sorted(cues["reporting_verb"], key=len, reverse=True)
        self.verb_re = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, verbs)) + r")(?![\w-])")
        genders = dict(zip(actors["actor"], actors["gender"]))
        self.candidates: list[_Candidate] = []
        found = find_mentions(text, lexicon, when, places=True)
        places = [(m["start"], m["end"]) for m in found]
        for m in found:
            if self.masked[m["start"]] == MASK or _is_place(text, m):  # as find_mentions(places=False)
                continue
            kind = m["type"]
            self.candidates.append(_Candidate(m["start"], m["end"], m["actor"], m["actor"], kind,
                                              "title" if m["how"] == "title" else "name", genders.get(m["actor"], ""),
                                              m["surface"].endswith(("'s", "\u2019s"))))
        unnamed = [u for u in self._unnamed() if not any(
            c.speaker_type == "person" and u.start < c.end and c.start < u.end for c in self.candidates)]
        self.candidates = [c for c in self.candidates if not any(u.start < c.end and c.start < u.end for u in unnamed)]
        self.candidates.extend(unnamed)
        taken = [(c.start, c.end) for c in self.candidates] + places
        for c in self._unknown_names(taken):
            if not any(a < c.end and c.start < b for a, b in taken):
                self.candidates.append(c)
                taken.append((c.start, c.end))
        for m in re.finditer(r"(?<![\w-])(he|she|He|She)(?![\w-])", self.masked):
            self.candidates.append(_Candidate(m.start(), m.end(), m.group(1).lower(), "", "pronoun", "pronoun",
                                              _PRONOUNS[m.group(1).lower()]))
        self.candidates.sort(key=lambda c: c.start)

    def _unnamed(self) -> list[_Candidate]:
        nouns = "|".join(sorted(map(re.escape, self.cues["source_noun"]), key=len, reverse=True))
        mods = "|".join(sorted(map(re.escape, self.cues["source_modifier"]), key=len, reverse=True))
        pattern = re.compile(
            r"(?<![\w-])((?:(?i:" + mods + r")\s+|[A-Z][\w.'-]*\s+){0,5}(?i:" + nouns + r"))(?![\w-])"
            r"((?: (?:from|in|at|of|close to|for) (?:the )?[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*)?)")
        out = []
        for m in pattern.finditer(self.masked):
            phrase = m.group(0)
            words = phrase.split()
            while words and words[0].lower() not in self.cues["source_modifier"] and words[0][:1].isupper() \
                    and words[0].lower() in self.stop:
                words.pop(0)  # "However sources" -> "sources"
            if not words:
                continue
            start = m.start() + phrase.index(words[0])
            surface = self.text[start:m.end()]
            out.append(_Candidate(start, m.end(), surface[:1].lower() + surface[1:] if surface[:2] in ("A ", "An", "Th") else surface,
                                  "", "unnamed", "name"))
        return out

    def _unknown_names(self, taken: list[tuple[int, int]]) -> list[_Candidate]:
        out = []
        token = r"[A-Z][\w'\u2019.-]*[\w]"
        for m in re.finditer(r"(?<![\w.'-])(" + token + r"(?:\s+(?:(?:de|da|van|von|der|del|al|bin|le|la)\s+)?" + token + r"){0,3})(?![\w-])",
                             self.masked):
            words = m.group(1).split()
            offset = m.start()
            while words and (words[0].lower() in self.stop or words[0].lower() in _PRONOUNS):
                offset = self.masked.index(words[1], offset + len(words[0])) if len(words) > 1 else offset
                words.pop(0)
            if not words or any(w in self.cues["not_name"] for w in words):
                continue
            start = offset
            end = m.end()
            if any(a < end and start < b for a, b in taken):
                continue
            name = self.text[start:end]
            single_ok = len(words) == 1 and (self.verb_re.match(self.masked[end:].lstrip(" ")) is not None
                                            or (re.search(r"(?<![\w-])(?:" + self.verb_re.pattern + r")\s+$", self.masked[max(0, start - 30):start])
                                                and re.match(r"\s*(?:[,.;:!?]|$)", self.masked[end:])))
            prev_word = self.masked[max(0, start - 12):start].split()
            if prev_word and prev_word[-1].lower() in _PREPOSITIONS and \
                    not self.masked[max(0, start - 13):start].lower().startswith("according to"):
                continue
            if len(words) == 1:  # a surname alone takes the full name used earlier ("Watanabe")
                name = next((c.speaker for c in reversed(out) if c.speaker.split()[-1] == name), name)
            if len(words) >= 2 or single_ok:
                out.append(_Candidate(start, end, name, "", "unknown", "name"))
        return out

    # -- helpers -----------------------------------------------------------------------------
    def sentence_of(self, pos: int) -> tuple[int, int]:
        for a, b in self.sentences:
            if a <= pos < b:
                return a, b
        return (self.sentences[-1] if self.sentences else (0, len(self.text)))

    def candidate_at(self, start: int) -> _Candidate | None:
        return next((c for c in self.candidates if c.start == start), None)

    def candidate_ending(self, end: int) -> _Candidate | None:
        return next((c for c in self.candidates if c.end == end and not c.possessive), None)

    def subject(self, a: int, b: int, *, people_only: bool = True) -> _Candidate | None:
        """The first candidate in ``[a, b)`` not governed by a preposition (a rough subject)."""
        for c in self.candidates:
            if c.start < a or c.end > b or c.possessive:
                continue
            if people_only and c.speaker_type in ("country", "organisation"):
                continue
            before = self.masked[a:c.start].split()
            if before and before[-1].lower().strip(",") in _PREPOSITIONS:
                continue
            return c
        return None

    def resolve(self, c: _Candidate, pos: int) -> _Candidate | None:
        """Resolve a pronoun to the nearest person named before ``pos`` outside quotes."""
        if c.speaker_type != "pronoun":
            return c
        for other in reversed(self.candidates):
            if other.start >= pos or other.speaker_type not in ("person", "unknown") or other.possessive:
                continue
            if c.gender and other.gender and other.gender != c.gender:
                continue
            return _Candidate(c.start, c.end, other.speaker, other.actor, other.speaker_type, "pronoun", other.gender)
        return None


def _after_subject(doc: _Doc, pos: int) -> re.Match | None:
    return re.match(r"\s+(?:" + _AUX + r"\s+){0,3}?(" + doc.verb_re.pattern + r")", doc.masked[pos:])


def _speaker_verb_at(doc: _Doc, pos: int) -> tuple[_Candidate, str] | None:
    """``SPEAKER VERB`` or ``VERB SPEAKER`` starting at ``pos`` (after punctuation)."""
    lead = re.match(r"[ ,;\u2014\u2013-]*", doc.masked[pos:])
    pos += lead.end()
    c = doc.candidate_at(pos)
    if c is not None:
        m = _after_subject(doc, c.end)
        if m:
            return c, m.group(1)
    m = re.match(doc.verb_re.pattern + r"\s+", doc.masked[pos:])
    if m:
        c = doc.candidate_at(pos + m.end())
        if c is not None and c.speaker_type != "pronoun" or (c is not None and m.group(1) != "said"):
            return c, m.group(1)
    return None


def _attribute(doc: _Doc, span: dict, previous: list[dict]) -> tuple[_Candidate | None, str, str]:
    open_at = span["open"] if span["open"] >= 0 else span["start"]
    close_at = (span["close"] + 1) if span["close"] >= 0 else span["end"]
    s_start, _ = doc.sentence_of(open_at)
    _, s_end = doc.sentence_of(max(close_at - 1, open_at))
    para_start = doc.text.rfind("\n", 0, open_at) + 1
    para_end = doc.text.find("\n", close_at)
    s_start = max(s_start, para_start)
    s_end = min(s_end, para_end) if para_end >= 0 else s_end
    s_end = max(s_end, close_at)
    # verb-after, directly
    found = _speaker_verb_at(doc, close_at)
    if found:
        return found[0], found[1], "verb-after"
    pre = doc.masked[s_start:open_at]
    # according to
    acc = re.search(r"(?i)according to\s+", doc.masked[s_start:s_end])
    if acc:
        zone_start = s_start + acc.end()
        c = next((c for c in doc.candidates if zone_start <= c.start < zone_start + 80 and c.end <= s_end
                  and c.speaker_type not in ("pronoun",)), None)
        if c is not None:
            return c, "according to", "according-to"
    # colon
    if re.search(r":\s*$", pre):
        c = doc.subject(s_start, open_at)
        if c is not None:
            verb = doc.verb_re.search(pre)
            return c, verb.group(1) if verb else "", "colon"
    # verb before
    verbs = list(doc.verb_re.finditer(pre))
    if verbs:
        v = verbs[-1]
        v_at = s_start + v.start()
        c = None
        if not v.group(1).endswith("ing"):
            before = doc.masked[s_start:v_at]
            trimmed = re.sub(r"(?:\s+(?:" + _AUX + r"))*\s*$", "", before)
            trimmed = re.sub(r"(?:,[^,\u2588]*,\s*)$", "", trimmed).rstrip()
            c = doc.candidate_ending(s_start + len(trimmed))
            if c is None:
                after = doc.candidate_at(v_at + len(v.group(0)) + 1)
                ok = after is not None and after.speaker_type != "pronoun" and \
                    re.match(r"\s*[,:]?\s*$", doc.masked[after.end:open_at])
                c = after if ok else None
        if c is None:
            earlier = [p for p in previous if p["kind"] == "speech" and p["_cand"] is not None and p["start"] >= s_start]
            c = earlier[-1]["_cand"] if v.group(1).endswith("ing") and earlier else doc.subject(s_start, v_at)
        if c is not None:
            return c, v.group(1), "verb-before"
    # verb after, later in the sentence
    tail = doc.masked[close_at:s_end]
    for m in re.finditer(r"[,\u2588]", tail):
        found = _speaker_verb_at(doc, close_at + m.end())
        if found:
            return found[0], found[1], "verb-after"
    # continuation: a quote that is its own sentence
    outside = doc.masked[s_start:open_at] + doc.masked[close_at:s_end]
    if not re.search(r"\w", outside.replace(MASK, "")):
        speech = [p for p in previous if p["kind"] == "speech" and p["_cand"] is not None]
        if speech and doc.text.count("\n\n", speech[-1]["end"], open_at) <= 1:
            return speech[-1]["_cand"], "", "continuation"
        prev_sentence = doc.sentence_of(max(s_start - 1, 0))
        c = doc.subject(*prev_sentence) if prev_sentence[0] < s_start else None
        if c is not None and c.speaker_type in ("person", "unknown"):
            return c, "", "continuation"
    return None, "", ""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\"\u201c\u201d\u00ab\u00bb]", "", text)
    return " ".join(re.sub(r"[^\w' -]", " ", text.lower()).split())


def _is_heading(doc: _Doc, pos: int) -> bool:
    a = doc.text.rfind("\n", 0, pos) + 1
    b = doc.text.find("\n", pos)
    para = doc.text[a: b if b >= 0 else len(doc.text)].strip()
    bare = para.strip("\"'\u201c\u201d\u2018\u2019 ")
    last = not doc.text[b:].strip() if b >= 0 else True
    return (len(para.split()) <= 12 and not re.search(r"[.!?:;,]$", bare) and not last
            and not doc.verb_re.search(doc.masked[a: b if b >= 0 else len(doc.text)]))


def _prepared_documents(corpus: pd.DataFrame, data_dir: Path | str | None, actors: pd.DataFrame | None,
                        titles: pd.DataFrame | None) -> tuple[Lexicon, Iterator[tuple[list[tuple[int, int]], _Doc]]]:
    """The lexicon, and each document prepared for attribution with its sentence spans."""
    from corpus_tools.tokens import sentence_spans

    directory = _data_dir(data_dir)
    actors = load_actors(directory) if actors is None else actors
    titles = load_titles(directory) if titles is None else titles
    lexicon = build_lexicon(actors, titles)
    cues, stop = load_speech_cues(directory), load_stopwords(directory)
    dates = document_dates(corpus, directory)

    def documents() -> Iterator[tuple[list[tuple[int, int]], _Doc]]:
        for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
            spans = sentence_spans(text, data_dir=directory)
            yield spans, _Doc(doc_id, text, dates.get(doc_id), lexicon, actors, cues, stop, spans)

    return lexicon, documents()


def quotes(corpus: pd.DataFrame, *, data_dir: Path | str | None = None, actors: pd.DataFrame | None = None,
           titles: pd.DataFrame | None = None, max_scare_words: int = 5) -> pd.DataFrame:
    """One row per quoted passage, with its speaker.

    Columns: ``doc_id, quote_id, sent_id, start, end, text, speaker, actor, verb, how_attributed,
    kind, speaker_type, n_words``. ``start``/``end`` are offsets of the text inside the marks in
    the cleaned ``text``; ``kind`` is ``speech``, ``scare`` or ``heading``; ``speaker_type`` is
    ``person``, ``country``, ``organisation``, ``unnamed``, ``unknown`` (a name not in
    actors.csv) or empty. A quote with no speaker and at most ``max_scare_words`` words is a scare
    quote.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["d1"], "published": [pd.Timestamp("2025-03-27")], "meeting_id": [""],
    ...     "text": ['\\u201cWe are not there yet,\\u201d Marta Kowalczyk said. \\u201cTalks go on.\\u201d '
    ...              'The so-called \\u201cpeace plan\\u201d stalled.']})
    >>> quotes(corpus)[["text", "speaker", "how_attributed", "kind"]].values.tolist()
    [['We are not there yet,', 'Marta Kowalczyk', 'verb-after', 'speech'], ['Talks go on.', 'Marta Kowalczyk', 'continuation', 'speech'], ['peace plan', '', '', 'scare']]
    """
    lexicon, documents = _prepared_documents(corpus, data_dir, actors, titles)
    names = {_norm(n) for n in lexicon.name_info}
    rows = []
    for spans_s, doc in documents:
        doc_id, text = doc.doc_id, doc.text
        done: list[dict] = []
        scare_terms: set[str] = set()
        for n, span in enumerate(doc.spans, start=1):
            qtext = text[span["start"]:span["end"]]
            key = _norm(qtext)
            n_words = len(re.findall(r"\w+(?:['-]\w+)*", qtext))
            row = {"doc_id": doc_id, "quote_id": f"q{n:02d}", "start": span["start"], "end": span["end"], "text": qtext,
                   "speaker": "", "actor": "", "verb": "", "how_attributed": "", "speaker_type": "", "n_words": n_words,
                   "_cand": None}
            row["sent_id"] = next((i for i, (a, b) in enumerate(spans_s, start=1) if a <= span["start"] < b), len(spans_s))
            if _is_heading(doc, span["start"]):
                row["kind"] = "heading"
                done.append(row)
                continue
            cand, verb, how = _attribute(doc, span, done)
            resolved = doc.resolve(cand, cand.start) if cand is not None else None
            if resolved is not None:
                row["_cand"] = resolved
                row.update(speaker=resolved.speaker, actor=resolved.actor, verb=verb,
                           speaker_type=resolved.speaker_type if resolved.speaker_type != "pronoun" else "")
                row["how_attributed"] = "pronoun" if resolved.how == "pronoun" and how != "continuation" else \
                    "title" if resolved.how == "title" and how != "continuation" else how
            row["kind"] = "speech" if _is_speech(doc, span, key, n_words, resolved, names, scare_terms, max_scare_words) else "scare"
            if row["kind"] == "scare":
                scare_terms.add(key)
                row.update(speaker="", actor="", verb="", how_attributed="", speaker_type="", _cand=None)
            done.append(row)
        rows.extend(done)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    out = out[QUOTE_COLUMNS].astype({"sent_id": "int64", "start": "int64", "end": "int64", "n_words": "int64"})
    return out.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def _is_speech(doc: _Doc, span: dict, key: str, n_words: int, speaker, names: set, scare_terms: set,
               max_scare_words: int) -> bool:
    open_at = span["open"] if span["open"] >= 0 else span["start"]
    before = doc.masked[max(0, open_at - 20):open_at].lower().split()
    if before and before[-1] in doc.cues["label_cue"]:
        return False
    if key in names or key in scare_terms:
        return False
    if 2 <= n_words <= 3 and re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", _norm(doc.masked)):
        return False  # a term the report also uses without quote marks
    if speaker is None:
        return n_words > max_scare_words
    return True


# ---------------------------------------------------------------------------------------------
# 3. derived tables


def indirect_speech(corpus: pd.DataFrame, *, data_dir: Path | str | None = None, actors: pd.DataFrame | None = None,
                    titles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reported speech with "that": one row per ``SPEAKER VERB that ...`` clause.

    Columns: ``doc_id, sent_id, start, end, text, speaker, actor, verb, speaker_type``; ``text``
    is the reported clause after "that", to the end of the sentence.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["d1"], "published": [pd.Timestamp("2025-03-27")], "meeting_id": [""],
    ...     "text": ["Macron said that the force would deter Russia. Ihor Zhovkva noted that troops were ready."]})
    >>> indirect_speech(corpus)[["speaker", "verb", "text"]].values.tolist()
    [['Emmanuel Macron', 'said', 'the force would deter Russia.'], ['Ihor Zhovkva', 'noted', 'troops were ready.']]
    """
    _, documents = _prepared_documents(corpus, data_dir, actors, titles)
    rows = []
    for spans_s, doc in documents:
        doc_id, text = doc.doc_id, doc.text
        for sent_id, (a, b) in enumerate(spans_s, start=1):
            for m in re.finditer(r"(?<![\w-])(" + doc.verb_re.pattern + r")\s*,?\s+that\s+", doc.masked[a:b]):
                v_at = a + m.start()
                before = re.sub(r"(?:\s+(?:" + _AUX + r"))*\s*$", "", doc.masked[a:v_at])
                before = re.sub(r"(?:,[^,\u2588]*,\s*)$", "", before).rstrip()
                c = doc.candidate_ending(a + len(before)) if not m.group(1).endswith("ing") else None
                c = c if c is not None else doc.subject(a, v_at)
                c = doc.resolve(c, c.start) if c is not None else None
                if c is None:
                    continue
                start = a + m.end()
                rows.append({"doc_id": doc_id, "sent_id": sent_id, "start": start, "end": b, "text": text[start:b],
                             "speaker": c.speaker, "actor": c.actor, "verb": m.group(1),
                             "speaker_type": c.speaker_type if c.speaker_type != "pronoun" else ""})
    out = pd.DataFrame(rows, columns=INDIRECT_COLUMNS)
    return out.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def candidate_speakers(quotes_df: pd.DataFrame, indirect_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Names that speak but are not in ``data/actors.csv``: ``speaker, doc_id, n_quotes, n_indirect``.

    Examples
    --------
    >>> q = pd.DataFrame({"doc_id": ["d1", "d1"], "speaker": ["Ana Gil", "Emmanuel Macron"],
    ...                   "speaker_type": ["unknown", "person"], "kind": ["speech", "speech"]})
    >>> candidate_speakers(q).values.tolist()
    [['Ana Gil', 'd1', 1, 0]]
    """
    frames = []
    q = quotes_df[(quotes_df["speaker_type"] == "unknown") & (quotes_df["kind"] == "speech")]
    frames.append(q.groupby(["speaker", "doc_id"]).size().rename("n_quotes"))
    if indirect_df is not None and len(indirect_df):
        i = indirect_df[indirect_df["speaker_type"] == "unknown"]
        frames.append(i.groupby(["speaker", "doc_id"]).size().rename("n_indirect"))
    out = pd.concat(frames, axis=1).fillna(0).reset_index() if any(len(f) for f in frames) else \
        pd.DataFrame(columns=["speaker", "doc_id", "n_quotes", "n_indirect"])
    for col in ("n_quotes", "n_indirect"):
        out[col] = out[col].astype("int64") if col in out else 0
    out = out[["speaker", "doc_id", "n_quotes", "n_indirect"]]
    return out.sort_values(["speaker", "doc_id"], kind="stable").reset_index(drop=True)


def share_of_voice(quotes_df: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Quoted words per speaker (speech only), as counts and shares within each ``by`` group.

    Columns: ``*by, speaker, actor, n_quotes, n_words, share``; ``share`` is the speaker's part of
    the group's quoted words.

    Examples
    --------
    >>> q = pd.DataFrame({"doc_id": ["d1"] * 3, "speaker": ["A", "B", "A"], "actor": ["A", "", "A"],
    ...                   "kind": ["speech"] * 3, "n_words": [6, 2, 2]})
    >>> share_of_voice(q)[["speaker", "n_words", "share"]].values.tolist()
    [['A', 8, 0.8], ['B', 2, 0.2]]
    """
    by = list(by or [])
    speech = quotes_df[quotes_df["kind"] == "speech"].copy()
    speech["speaker"] = speech["speaker"].replace("", "(unattributed)")
    out = speech.groupby(by + ["speaker", "actor"]).agg(n_quotes=("n_words", "size"), n_words=("n_words", "sum")).reset_index()
    totals = out.groupby(by)["n_words"].transform("sum") if by else out["n_words"].sum()
    out["share"] = (out["n_words"] / totals).round(4)
    return out.sort_values(by + ["n_words", "speaker"], ascending=[True] * len(by) + [False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# 4. evaluation


def load_gold_quotes(data_dir: Path | str | None = None, *, boilerplate: bool = False) -> pd.DataFrame:
    """The hand-made gold of ``data/annotations/quotes_gold.csv`` (+ the boilerplate file).

    Examples
    --------
    >>> gold = load_gold_quotes()
    >>> gold["kind"].value_counts().to_dict()
    {'speech': 83, 'scare': 11, 'heading': 3}
    """
    directory = _data_dir(data_dir) / "annotations"
    cols = ["doc_id", "quote_id", "text", "kind", "speaker", "speaker_type"]
    gold = read_table(directory / "quotes_gold.csv", cols, what="quote gold")
    if boilerplate:
        gold = pd.concat([gold, read_table(directory / "quotes_gold_boilerplate.csv", cols, what="quote gold")], ignore_index=True)
    return gold


def match_quotes(predicted: pd.DataFrame, gold: pd.DataFrame, *, min_similarity: float = 0.8) -> pd.DataFrame:
    """Align predicted and gold quotes one to one.

    Matching rule: same ``doc_id`` and, after normalising (NFKC, quote marks removed, curly
    apostrophes straightened, punctuation dropped, lower case, whitespace collapsed), either one
    text contains the other and the shorter is at least half the longer, or their
    ``difflib`` similarity ratio is at least ``min_similarity``. Best pairs are taken first.
    Returns ``doc_id, pred_index, gold_index, similarity`` (index labels of the two frames).

    Examples
    --------
    >>> p = pd.DataFrame({"doc_id": ["d"], "text": ["\\u201cWe must act,"]})
    >>> g = pd.DataFrame({"doc_id": ["d"], "text": ["We must act"]})
    >>> match_quotes(p, g).to_dict("records")
    [{'doc_id': 'd', 'pred_index': 0, 'gold_index': 0, 'similarity': 1.0}]
    """
    pairs = []
    for doc_id in sorted(set(predicted["doc_id"]) & set(gold["doc_id"])):
        p = predicted[predicted["doc_id"] == doc_id]
        g = gold[gold["doc_id"] == doc_id]
        for i, pt in zip(p.index, p["text"].map(_norm)):
            for j, gt in zip(g.index, g["text"].map(_norm)):
                short, long_ = sorted((pt, gt), key=len)
                sim = difflib.SequenceMatcher(None, pt, gt).ratio()
                if short and short in long_ and len(short) >= 0.5 * len(long_):
                    sim = max(sim, len(short) / len(long_))
                if sim >= min_similarity:
                    pairs.append((sim, doc_id, i, j))
    used_p, used_g, rows = set(), set(), []
    for sim, doc_id, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], str(t[2]), str(t[3]))):
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        rows.append({"doc_id": doc_id, "pred_index": i, "gold_index": j, "similarity": round(sim, 4)})
    return pd.DataFrame(rows, columns=["doc_id", "pred_index", "gold_index", "similarity"])


def same_speaker(predicted: str, gold: str) -> bool:
    """Whether a predicted speaker (canonical actor, or phrase) names the gold speaker.

    Equal after normalising and dropping a leading article, or one phrase contains the other
    (unnamed sources: "a French Foreign Ministry spokesperson").

    Examples
    --------
    >>> same_speaker("Emmanuel Macron", "Emmanuel Macron"), same_speaker("sources from Kyiv", "Sources from Kyiv")
    (True, True)
    >>> same_speaker("Jared Kushner", "Steve Witkoff"), same_speaker("", "Emmanuel Macron")
    (False, False)
    """
    def clean(s: str) -> str:
        s = _norm(s)
        return re.sub(r"^(?:a|an|the)\s+", "", s)

    p, g = clean(predicted or ""), clean(gold or "")
    if not p or not g:
        return False
    return p == g or (len(p.split()) >= 2 and (p in g or g in p))


def evaluate_quotes(predicted: pd.DataFrame, gold: pd.DataFrame, *, min_similarity: float = 0.8) -> pd.DataFrame:
    """Precision, recall and F1 of quote extraction and attribution against the gold.

    Only ``kind == "speech"`` counts on both sides. Extraction: a predicted speech quote is a
    true positive when it matches a gold speech quote (:func:`match_quotes`). Attribution: a
    true positive also needs the right speaker (:func:`same_speaker`, the predicted ``actor``
    or, when empty, ``speaker``). The row ``scare_as_speech`` counts predicted speech quotes
    that match a gold scare, heading or boilerplate quote (must be 0).

    Returns ``measure, n_predicted, n_gold, tp, precision, recall, f1``.

    Examples
    --------
    >>> p = pd.DataFrame({"doc_id": ["d", "d"], "text": ["We act", "peace plan"], "kind": ["speech", "speech"],
    ...                   "speaker": ["X Y", "Z"], "actor": ["", ""]})
    >>> g = pd.DataFrame({"doc_id": ["d", "d"], "text": ["We act", "peace plan"], "kind": ["speech", "scare"],
    ...                   "speaker": ["X Y", ""]})
    >>> evaluate_quotes(p, g)[["measure", "tp", "precision", "recall"]].values.tolist()
    [['extraction', 1, 0.5, 1.0], ['attribution', 1, 0.5, 1.0], ['scare_as_speech', 1, nan, nan]]
    """
    pred = predicted[predicted["kind"] == "speech"]
    matches = match_quotes(predicted, gold, min_similarity=min_similarity)
    matches = matches[matches["pred_index"].isin(pred.index)]
    kinds = gold.loc[matches["gold_index"], "kind"].values
    speech_matches = matches[kinds == "speech"]
    scare = int((kinds != "speech").sum())
    n_pred, n_gold = len(pred), int((gold["kind"] == "speech").sum())
    correct = sum(same_speaker(predicted.at[i, "actor"] or predicted.at[i, "speaker"], gold.at[j, "speaker"])
                  for i, j in zip(speech_matches["pred_index"], speech_matches["gold_index"]))
    rows = []
    for measure, tp in (("extraction", len(speech_matches)), ("attribution", correct)):
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"measure": measure, "n_predicted": n_pred, "n_gold": n_gold, "tp": int(tp),
                     "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)})
    rows.append({"measure": "scare_as_speech", "n_predicted": n_pred, "n_gold": n_gold, "tp": scare,
                 "precision": float("nan"), "recall": float("nan"), "f1": float("nan")})
    return pd.DataFrame(rows)


def attribution_errors(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Every disagreement with the gold, for reading: missed, spurious or misattributed quotes.

    Columns: ``doc_id, error, text, predicted_speaker, gold_speaker, predicted_kind, gold_kind``.

    Examples
    --------
    >>> p = pd.DataFrame({"doc_id": ["d"], "text": ["We act"], "kind": ["speech"], "speaker": ["X Y"], "actor": [""]})
    >>> g = pd.DataFrame({"doc_id": ["d"], "text": ["We act"], "kind": ["speech"], "speaker": ["Z W"]})
    >>> attribution_errors(p, g)["error"].tolist()
    ['wrong speaker']
    """
    m = match_quotes(predicted, gold)
    rows = []
    for i, j in zip(m["pred_index"], m["gold_index"]):
        p, g = predicted.loc[i], gold.loc[j]
        who = p["actor"] or p["speaker"]
        if p["kind"] == "speech" and g["kind"] == "speech" and not same_speaker(who, g["speaker"]):
            err = "wrong speaker"
        elif p["kind"] == "speech" and g["kind"] != "speech":
            err = "non-speech counted as speech"
        elif p["kind"] != "speech" and g["kind"] == "speech":
            err = "speech missed as " + p["kind"]
        else:
            continue
        rows.append({"doc_id": p["doc_id"], "error": err, "text": g["text"], "predicted_speaker": who,
                     "gold_speaker": g["speaker"], "predicted_kind": p["kind"], "gold_kind": g["kind"]})
    for j in gold.index.difference(m["gold_index"]):
        g = gold.loc[j]
        if g["kind"] == "boilerplate":
            continue  # removed with the boilerplate by cleaning, as it should be
        rows.append({"doc_id": g["doc_id"], "error": "not found", "text": g["text"], "predicted_speaker": "",
                     "gold_speaker": g["speaker"], "predicted_kind": "", "gold_kind": g["kind"]})
    for i in predicted.index.difference(m["pred_index"]):
        p = predicted.loc[i]
        rows.append({"doc_id": p["doc_id"], "error": "not in gold", "text": p["text"], "predicted_speaker": p["actor"] or p["speaker"],
                     "gold_speaker": "", "predicted_kind": p["kind"], "gold_kind": ""})
    out = pd.DataFrame(rows, columns=["doc_id", "error", "text", "predicted_speaker", "gold_speaker", "predicted_kind", "gold_kind"])
    return out.sort_values(["doc_id", "error", "text"], kind="stable").reset_index(drop=True)
