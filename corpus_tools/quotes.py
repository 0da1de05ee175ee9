"""Who is quoted: direct quotations, their speakers, indirect speech, and an evaluation.

A rule-based attributor in the spirit of the Gender Gap Tracker's quote extractor, with no
trained model. Every rule is a construction of news writing, named here with an invented example.

1. **Spans.** Every passage between quotation marks (curly, straight, guillemets, German
   „...“, Swedish ”...”; single marks outside double quotes) in the cleaned text. Marks nested
   inside guillemets belong to the outer quotation. A closing mark with no opening one at the
   start of a paragraph opens the span at the paragraph start; an opening mark that is never
   closed runs to the paragraph end. Odd marks never raise.
2. **Attribution**, first rule that fires:

   - ``verb-after``: "'We are ready,' Macron said" / "said Belgian Prime Minister Jan De Smet" /
     "'...,' Mr Starmer, 62, said" / "'...,' MEA spokesperson Randhir Jaiswal stated" (a few
     title words may stand before the name). A quotation that closes its own sentence after an
     introduction ("Mr Macron said: '...' Ms Kallas insisted ...") is not the next sentence's.
   - ``according-to``: "according to Elena Petrova", "According to him, '...'", "Per the
     Pentagon, the role would be '...'" (sentence-initial or after a comma).
   - ``impersonal``: an institution in the impersonal voice of translated copy: "At Matignon, it
     is underlined that the budget '...'", "From the Chancellery it was said that '...'", "In the
     Office of the President they stressed '...'", and "'...', — it is said in the message"
     (the institution named before it in the paragraph).
   - ``label``: "Quote from Macron: '...'", "In the words of Ana Gil, '...'", "'...' Source: the
     Élysée" (also a "Source:" paragraph after a quotation standing alone), "„...“, so Merz.", "'...' — Volodymyr Zelensky", "«...». With these words the
     President of the Council Giorgia Meloni opened ...", "Key line from the Estonian PM: '...'",
     and a document naming its author: "Downing Street readout: the prime minister '...'" (the
     readout's author speaks; "Merz, in a statement: '...'" is still Merz).
   - ``colon``: "Starmer told Zelensky: '...'" (the subject, not the addressee).
   - ``verb-before``: "Juan Pérez warned that the plan was '...'", and participles: "Starmer spoke
     to both leaders, describing the talks as '...'", "'...,' he said, describing Putin as '...'"
     (the second span is still his), "Witkoff said Trump felt that '...'" (the reporting speaker),
     a participle with its own subject: "The ministry denounced it, with spokeswoman Ana Gil
     labelling it '...'"; an apposition names a role: "A spokesman for the president, Ivan
     Horak, said '...'", "The top government spokesman, Chief Secretary Ken Mori, said" (the named
     person speaks, not the role or the person after "for"). In "VERB NAME" a name followed by
     a modal or auxiliary is the reported clause's subject, not the speaker ("calling the day
     'historic,' said Copenhagen would contribute").
   - ``sentence-before``: a quotation standing alone after a sentence whose subject speaks or takes
     a stance: "Starmer echoed the call for a ceasefire. 'We must seize this moment.'"
   - ``continuation``: a quotation standing alone takes the previous speech quote's speaker.
   - ``multi-paragraph``: "'We came to work. ¶ 'And we will stay,' she said." — the paragraphs
     that open without closing take the speaker named at the end.

3. **Who the speaker is** (document-level coreference for people):

   - known actors (``data/actors.csv``) get their canonical name in ``actor``;
   - honorifics (``data/honorifics.csv``): "Sir Keir" (given name), "Mr Macron", "Ms Kallas",
     "Herr Merz", "PM Starmer", "EAM Jaishankar";
   - people the report introduces: full name, surname ("De Smet", with particles), honorific +
     surname, and titles introduced in the report ("Polish Prime Minister Marek Nowicki" ...
     "the Polish prime minister", "Prime Minister Kristi Tamm of Estonia" ... "the Estonian prime
     minister"); such a person gets ``actor`` = the full name and ``speaker_type = person``;
   - country-adjective titles ("the U.K. leader", "the French head of state", "the Kremlin
     chief") by ``data/demonyms.csv`` and ``data/leader_nouns.csv`` and the gazetteer's dated titles;
     bare titles ("the PM", "the Head of State") by the nearest person named before in that role;
   - salience: a bare title or office ("the Head of State noted", "In the Office of the President
     they said") prefers the holder named as a subject over one after a preposition ("President
     Ana Gil held talks with President Jon Sa. 'We agreed,' the Head of State noted": Ana Gil,
     not Jon Sa);
   - datelines are places, not speakers: "ABU DHABI: The ministry welcomed ...", "PARIS, Jan 6
     (Wire) - ...";
   - pronouns: the nearest person in the same sentence, else the subject of the sentence before
     ("Zelensky said he had met Fidan. The Turkish diplomat, he said, had been '...'": Zelensky);
     role nouns ("the diplomat noted", "the Kremlin representative added", "the Minister stressed")
     refer to the person introduced with that role or its modifier ("Foreign Ministry spokesperson
     Lin Wei ... Beijing, the spokesperson added": Lin Wei; "Kremlin press secretary Ivan Orlov ...
     the Kremlin official said": Orlov), else to the last speaker;
   - institutions (``data/institutions.csv``, ``speaker_type = group``): "the Élysée said" ->
     ``presidency of France``, "Downing Street" -> ``government of United Kingdom``, "the Ukrainian
     Foreign Ministry" -> ``foreign ministry of Ukraine``, "the office of the Italian prime
     minister" -> ``government of Italy``, "Russia has said" -> ``government of Russia``; a bare
     institution noun refers back to the institution named before ("The Ruritanian Ministry of
     Foreign Affairs welcomed ... the ministry stressed '...'", ``institution_anaphor`` cues); "an
     Élysée statement" is the Élysée's;
   - unnamed sources ("sources from Kyiv", "a No 10 spokesman", "the joint statement") keep the
     phrase as written with ``speaker_type = unnamed``; other capitalised names keep the name
     (``speaker_type = unknown``, see :func:`candidate_speakers`).

4. **Kind.** ``speech``, ``scare`` (a quoted term: one of the domain's terms in
   ``data/domain_terms.csv`` with its variants, an actor's name, a phrase after "so-called", a term
   the same report also uses without marks or quoted before, or a short quote with no speaker) or
   ``heading`` (a quote in the headline or a subheading). Only ``speech`` counts as voice.
5. **Stance** of the reporting verb (``data/speech_cues.csv``, column ``stance``): neutral,
   assertive, doubting, conceding, warning, urging, praising, characterising.

Cue words (reporting verbs, source nouns, label cues, stance verbs, role nouns) live in
``data/speech_cues.csv``; the word tables of a data directory are compiled once per process,
keyed by its resources' stamp (:func:`_default_resources`), and again only when a call passes its
own tables.
"""
from __future__ import annotations

import copy
import difflib
import itertools
import bisect
from functools import lru_cache
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.resources import load_stopwords, read_table, resource_stamp
from corpus_tools.speakers import Lexicon, _all_mentions, _as_day, _class_table, _code_points, _runs_of, _finditer_in_runs, _overlap_test, _finditer_near_words, _first_char_ahead, _is_place, _trie_pattern, _word_spans, build_lexicon, document_dates, find_mentions, load_actors, load_titles

QUOTE_COLUMNS = ["doc_id", "quote_id", "sent_id", "start", "end", "text", "speaker", "actor", "verb", "stance",
                 "how_attributed", "kind", "speaker_type", "n_words"]
INDIRECT_COLUMNS = ["doc_id", "sent_id", "start", "end", "text", "speaker", "actor", "verb", "speaker_type"]
CUE_KINDS = ("reporting_verb", "source_noun", "source_modifier", "label_cue", "not_name", "stance_verb", "quote_label",
             "role_noun", "document_noun", "institution_anaphor")
STANCES = ("neutral", "assertive", "doubting", "conceding", "warning", "urging", "praising", "characterising")
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


def load_stances(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The stance of each reporting verb (``data/speech_cues.csv``, column ``stance``): ``verb, stance``.

    Stances follow how reporting verbs frame a quotation (Bell 1991, *The Language of News
    Media*; Caldas-Coulthard 1994): ``neutral`` (said, told, added), ``assertive`` (insisted,
    stressed, vowed), ``doubting`` (claimed, alleged: the reporter keeps a distance),
    ``conceding`` (admitted, acknowledged), ``warning`` (warned, cautioned), ``urging`` (urged,
    called on), ``praising`` (hailed) and ``characterising`` (describing, calling).

    Examples
    --------
    >>> st = load_stances().set_index("verb")["stance"]
    >>> st["said"], st["insisted"], st["claimed"], st["admitted"]
    ('neutral', 'assertive', 'doubting', 'conceding')
    """
    path = _data_dir(data_dir) / "speech_cues.csv"
    table = read_table(path, ["cue", "kind", "stance"], what="speech cues")
    verbs = table[table["kind"] == "reporting_verb"]
    bad = verbs[~verbs["stance"].isin(STANCES)]
    if len(bad):
        line = int(bad.index[0]) + 2
        raise CorpusError(f"{path} line {line}: stance {bad['stance'].iloc[0]!r} of a reporting verb is not one of "
                          f"{', '.join(STANCES)}")
    return verbs.rename(columns={"cue": "verb"})[["verb", "stance"]].drop_duplicates("verb").reset_index(drop=True)


def term_key(text: str) -> str:
    """A domain term or quoted passage reduced for matching: case, marks, hyphens, a leading
    article and a final plural "s" removed.

    Examples
    --------
    >>> term_key("The Coalition of the Willing"), term_key("boots-on-the-ground"), term_key("reassurance forces,")
    ('coalition of the willing', 'boots on the ground', 'reassurance force')
    """
    key = _norm(text).replace("-", " ")
    key = _rx(r"^(?:the|a|an)\s+").sub("", " ".join(key.split()))
    return _rx(r"(?<=[a-z]{3})s$").sub("", key)


def load_domain_terms(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The domain's own terms (``data/domain_terms.csv``): ``term, variant, key``, one row per variant.

    A quotation whose whole text is one of these terms (after :func:`term_key`) is a scare quote,
    whoever's sentence it stands in: "the so-called 'coalition of willing'".

    Examples
    --------
    >>> t = load_domain_terms()
    >>> t.loc[t["variant"] == "coalition of willing", ["term", "key"]].values.tolist()
    [['coalition of the willing', 'coalition of willing']]
    """
    path = _data_dir(data_dir) / "domain_terms.csv"
    table = read_table(path, ["term", "variants"], what="domain terms")
    rows = []
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if not row.term.strip():
            raise CorpusError(f"{path} line {line}: term is empty")
        for variant in [row.term, *[v for v in row.variants.split("|") if v.strip()]]:
            rows.append({"term": row.term, "variant": variant.strip(), "key": term_key(variant)})
    return pd.DataFrame(rows, columns=["term", "variant", "key"])


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
    # each kind of mark found once in the text (str.find for each mark character: the offsets of
    # _DOUBLE_MARK's and _SINGLE_MARK's matches), then read paragraph by paragraph; a paragraph
    # without marks has no passage (each pairing below reads its marks alone)
    double_at = _offsets_of(text, OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT_DOUBLE)
    single_at = _offsets_of(text, OPEN_SINGLE + CLOSE_SINGLE + STRAIGHT_SINGLE)
    for para in re.finditer(r"[^\n]+", text) if double_at or single_at else ():
        a, b = para.span()
        d_lo, d_hi = bisect.bisect_left(double_at, a), bisect.bisect_left(double_at, b)
        s_lo, s_hi = bisect.bisect_left(single_at, a), bisect.bisect_left(single_at, b)
        if d_lo == d_hi and s_lo == s_hi:
            continue
        doubles = _pair(text, a, b, _double_marks(text, a, b, double_at[d_lo:d_hi]))
        spans.extend(doubles)
        inside = [(s["open"] if s["open"] >= 0 else s["start"], s["close"] if s["close"] >= 0 else s["end"]) for s in doubles]
        singles = [(i, d) for i, d in _single_marks(text, a, b, single_at[s_lo:s_hi]) if not any(x <= i <= y for x, y in inside)]
        spans.extend(s for s in _pair(text, a, b, singles, strict=True))
    spans = [s for s in spans if text[s["start"]:s["end"]].strip()]
    for s in spans:
        inner = text[s["start"]:s["end"]]
        s["start"] += len(inner) - len(inner.lstrip())
        s["end"] -= len(inner) - len(inner.rstrip())
    return sorted(spans, key=lambda s: s["start"])


def _offsets_of(text: str, chars: str) -> list[int]:
    """The offsets of the characters ``chars`` in ``text``, in order (each character's by
    :meth:`str.find`, a search in C, instead of a pattern of the class tried at every offset).

    >>> _offsets_of('a "b" \u201cc\u201d', '"\u201c\u201d')
    [2, 4, 6, 8]
    """
    found: list[int] = []
    for ch in set(chars):
        if ch in text:
            found += _find_all(text, ch)
    return sorted(found)


_DOUBLE_MARK = re.compile("[" + re.escape(OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT_DOUBLE) + "]")
_SINGLE_MARK = re.compile("[" + re.escape(OPEN_SINGLE + CLOSE_SINGLE + STRAIGHT_SINGLE) + "]")


def _double_marks(text: str, a: int, b: int, positions: list[int]) -> list[tuple[int, str]]:
    """Each double mark of the paragraph ``text[a:b]`` (at ``positions``, the offsets of
    :data:`_DOUBLE_MARK`'s matches there) with its direction: ``open``, ``close`` or ``either``."""
    marks = []
    for i in positions:  # only the marks, not every character
        ch = text[i]
        if ch in OPEN_DOUBLE:
            marks.append((i, "open"))
        elif ch == "\u201d" and (i == a or text[i - 1].isspace() or text[i - 1] in "([") and i + 1 < b and text[i + 1].isalnum():
            marks.append((i, "open"))  # Swedish and Finnish marks: the same \u201d opens and closes
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


def _single_marks(text: str, a: int, b: int, positions: list[int]) -> list[tuple[int, str]]:
    """Each single mark of the paragraph ``text[a:b]`` (at ``positions``, the offsets of
    :data:`_SINGLE_MARK`'s matches there) that opens or closes a passage, with its direction."""
    marks = []
    for i in positions:  # only the marks, not every character
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
        if open_at is not None and not strict:
            opener = text[open_at]
            if opener == "\u00ab" and text[i] not in "\u00ab\u00bb":
                continue  # marks nested inside guillemets: \u00abWhat they call \u201eforce\u201c is ...\u00bb
            if opener == "\u201e" and text[i] == "\u201c":
                direction = "close"  # German and Central European marks: \u201e...\u201c
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
# word tables for coreference, compiled once per process (per data directory's resources)


_rx = lru_cache(maxsize=2048)(re.compile)  # patterns built from the word tables are compiled once per process


def _alt(words) -> str:
    return _alt_of(frozenset(words))


@lru_cache(maxsize=256)
def _alt_of(words: frozenset[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class _Words:
    """Honorifics, country adjectives, leader nouns, institutions and cue words, compiled."""

    honorifics: dict  # honorific -> (gender, name_part)
    honorific_re: re.Pattern
    honorific_words: frozenset  # the honorifics, the words honorific_re's matches open with (see _Doc._starts)
    demonyms: dict  # word -> country
    nouns: dict  # lower-case leader noun -> role
    dem_title_re: re.Pattern
    of_title_re: re.Pattern
    of_country_re: re.Pattern  # ", of Estonia" after a name
    bare_title_re: re.Pattern
    intro_before_re: re.Pattern
    intro_after_re: re.Pattern
    inst_name_re: re.Pattern
    inst_names: dict  # variant -> (institution, country)
    inst_variants: frozenset  # the variants inst_name_re matches, "The"/"THE" forms too (see _Doc._starts)
    label_words: frozenset  # the quote labels (see _Doc.label_starts)
    scan_group: tuple  # the word lists a document is searched for, found in one scan (speakers._group_word_spans)
    inst_noun_re: re.Pattern
    inst_of_re: re.Pattern
    inst_office_re: re.Pattern
    inst_nouns: dict  # lower noun -> template
    office_re: re.Pattern  # "the President's Office" with no country
    office_roles: dict  # lower noun -> role of the office holder
    title_words: frozenset  # words stripped from the front of a capitalised run ("Polish Prime Minister")
    particles: frozenset
    domain_keys: frozenset
    stances: dict
    stance_verb_re: re.Pattern
    label_re: re.Pattern
    label_head_re: re.Pattern  # zero-width at every offset where label_re matches (see _Doc.label_starts)
    label_head_lower_re: re.Pattern | None  # the same in lower-cased text, case-sensitive, a trie; None unless labels are ASCII
    role_titles: list  # (country, role, valid_from, valid_to, actor) from titles.csv; a missing date is None
    # patterns built from the cue words, compiled here once instead of once per document or candidate
    verb_re: re.Pattern  # a reporting verb (group 1)
    label_end_re: re.Pattern  # a label ending the text searched
    name_next_re: re.Pattern  # a name starting right after a title
    title_name_next_re: re.Pattern  # a capital or a name particle after a title
    unnamed_re: re.Pattern  # an unnamed source ("a senior Western official"), see _Doc._unnamed
    unknown_re: re.Pattern  # a run of capitalised words, see _Doc._unknown_names
    verb_end_re: re.Pattern  # a reporting verb and spaces ending the text searched
    source_after_re: re.Pattern  # source modifiers and a source noun after an institution ("a White House official")
    inst_in_re: re.Pattern  # "the Foreign Ministry in " + a place
    anaphor_re: re.Pattern | None  # "the ministry" (an institution anaphor noun), None without such nouns
    it_re: re.Pattern  # "It added", "it has also said"
    after_subject_re: re.Pattern  # the reporting verb after a subject, see _after_subject
    verb_space_re: re.Pattern  # a reporting verb and spaces
    doc_label_re: re.Pattern  # a document noun as a label ("readout:")
    passive_re: re.Pattern  # "was described by", ", hailed by"
    impersonal_before_re: re.Pattern  # ", it is underlined that" after an institution
    impersonal_after_re: re.Pattern  # "— it is said in the message" after a quotation
    stance_after_re: re.Pattern  # a stance or reporting verb after a subject
    indirect_re: re.Pattern  # "said that", "noted, that"
    unnamed_gaps: int  # at most this many spaces between the start of an unnamed_re match and its source noun
    noun_ends: tuple  # the last words of the leader nouns, lower-cased; empty unless all are ASCII (see _intro_before)
    roles_by_holder: dict  # actor -> its role_titles rows, in file order (see _Doc._known_roles)
    roles_by_key: dict  # (country, role) -> its role_titles rows, in file order (see _Doc._roles_at)


def _cue_patterns(cues: dict, particles: frozenset, label_re: re.Pattern, stance_verb_re: re.Pattern,
                  inst_nouns: dict) -> dict:
    """The :class:`_Words` patterns built from the cue words (each the same pattern text the
    attribution code used to build for every document or candidate)."""
    verbs = sorted(cues["reporting_verb"], key=len, reverse=True)
    # the look-ahead for the verbs' first characters: the same matches, found without trying the
    # look-behind and every verb at each position (the pattern is searched in many slices and is
    # part of most patterns below); the verbs as a trie (:func:`corpus_tools.speakers._trie_pattern`,
    # a space as a space, as re.escape writes it): the same matches as their alternation longest
    # first, without trying each verb in turn
    plain = not verbs or any(not v or v[0].isspace() or any(c.isspace() and c != " " for c in v) for v in verbs)
    verb_alt = "|".join(map(re.escape, verbs)) if plain else _trie_pattern(sorted(set(verbs)), literal_space=True)
    verb_re = _rx(_first_char_ahead(verbs) + r"(?<![\w-])(" + verb_alt + r")(?![\w-])")
    nouns = _caseless_alternation(cues["source_noun"])
    mods = _caseless_alternation(cues["source_modifier"])
    token = r"(?:[A-Z]\.(?=\s+[A-Z])|[A-Z][\w'\u2019.-]*[\w])"  # an initial counts: "S. Jaishankar"
    token_rest = r"(?:\.(?=\s+[A-Z])|[\w'\u2019.-]*[\w])"  # a token after its capital
    lower_particles = _alt(p for p in particles if p.islower())
    impersonal = r"(?:it\s+(?:is|was|has\s+been)\s+|they\s+|one\s+)(?:" + _AUX + r"\s+){0,2}?(" + verb_re.pattern + r")"
    # unnamed_re before its noun: "the" (1 space), two words (2), a possessive (1), five modifiers of
    # up to n words each (n spaces each)
    gaps = 4 + 5 * max([len(w.split()) for w in cues["source_modifier"]] + [1])
    return dict(
        unnamed_gaps=gaps,
        verb_re=verb_re,
        label_end_re=_rx(label_re.pattern + r"$"),
        name_next_re=_rx(r"\s+(?:(?:" + _alt(particles) + r")\s+)?[A-Z](?:[a-z]|\.\s)"),
        title_name_next_re=_rx(r"\s+(?:[A-Z]|(?:" + _alt(particles) + r")\s)"),
        # possessive quantifiers (++, *+) where giving back a character cannot help: a run of word
        # characters or digits must be followed by a space, and a run of spaces by a word
        unnamed_re=_rx(
            r"(?<![\w-])((?:(?:[Tt]he\s++)?(?:[\w.-]++\s++){0,2}[\w.-]++['\u2019]s\s++)?"  # "the prime minister's official spokesman"
            r"(?:(?i:" + mods + r")\s++|[A-Z][\w.'-]*+\s++|\d++\s++){0,5}(?i:" + nouns + r"))(?![\w-])"
            r"((?: (?:from|in|at|of|close to|for) (?:the )?[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*| close to the [a-z]+)*)"),
        # the first capital before the look-behind (over it and the character before: the same test),
        # so that the pattern opens with a character class, which the engine scans for quickly
        unknown_re=_rx(r"([A-Z](?<![\w.'-][A-Z])" + token_rest + r"(?:\s+(?:(?:" + lower_particles + r")\s+)*" + token + r"){0,6})(?![\w-])"),
        verb_end_re=_rx(r"(?:" + verb_re.pattern + r")\s+$"),  # verb_re opens with the look-ahead and look-behind
        source_after_re=_rx(r"\s+(?:(?:" + _alt(cues["source_modifier"]) + r")\s+)*(?i:" + _alt(cues["source_noun"]) + r")(?![\w-])"),
        inst_in_re=_rx(r"(?=[Tt])(?<![\w.])(?:the|The)\s+(?i:(" + _alt(inst_nouns) + r"))\s+in\s+"),
        anaphor_re=(_rx(r"(?=[Tt])(?<![\w-])(?:the|The)\s+(?i:(" + _alt(cues["institution_anaphor"]) + r"))(?![\w-])(?!\s+of\s)")
                    if cues["institution_anaphor"] else None),
        it_re=_rx(r"(?=[Ii])(?<![\w-])(it|It)\s+(?:(?:also|then|later|further|again|has|had|would|will|\w+ly)\s+){0,2}(?:"
                  + verb_re.pattern + r")"),
        after_subject_re=_rx(r"(?:,\s*\d{1,3},|\s*\([^()\n]{1,25}\))?\s+(?:" + _AUX + r"\s+){0,3}?(" + verb_re.pattern + r")"),
        verb_space_re=_rx(verb_re.pattern + r"\s+"),
        doc_label_re=_rx(r"\s+(?i:(" + _alt(cues["document_noun"]) + r"))\s*:\s"),
        passive_re=_rx(r"(?=[wbia,])(?:\b(?:was|were|been|being|is|are)\s+|,\s*)(?:" + verb_re.pattern + r")\s+(?:[^\u2588\s]+\s+){0,3}?by\s+"),
        impersonal_before_re=_rx(r",?\s+" + impersonal),
        impersonal_after_re=_rx(r"[\s,.;\u2014\u2013-]*" + impersonal),
        stance_after_re=_rx(r"\s+(?:" + _AUX + r"\s+){0,3}?(" + stance_verb_re.pattern + r")"),
        indirect_re=_rx(r"(" + verb_re.pattern + r")\s*,?\s+that\s+"),
    )


def _alt_as_trie(words) -> str:
    """:func:`_alt` of the words (longest first, spaces as ``\\s+``) written as a trie
    (:func:`corpus_tools.speakers._trie_pattern`: the same matches, found without trying every
    word at a position); :func:`_alt` itself when a word is empty or holds a space other than " ".

    >>> print(_alt_as_trie({"the Kremlin", "the Elysee", "Kremlin"}))
    (?:Kremlin|the\\s+(?:Elysee|Kremlin))
    """
    words = sorted(set(words))
    if not words or any(not w or any(c.isspace() and c != " " for c in w) for w in words):
        return _alt(words)
    return _trie_pattern(words)


def _caseless_alternation(words) -> str:
    """The pattern text of ``(?i:...)`` for the words: their alternation longest first, written
    as a trie of the lower-cased words (:func:`corpus_tools.speakers._trie_pattern`, spaces as
    written) when every character is ASCII or a lower-case Latin-1 letter. The same matches:
    under ``(?i)`` such words match what their lower-case forms match, no character of a text
    matches two distinct such characters (so at a position the text follows one path of the
    trie), and of the words on that path the trie tries the longest first, as the alternation
    does. A word that starts with a space falls back to the alternation (the patterns need a
    word character first).

    >>> print(_caseless_alternation({"Senior", "senior official", "official"}))
    (?:official|senior(?:\\ official)?)
    >>> print(_caseless_alternation({"\u03a3", "ab"}))
    ab|\u03a3
    """
    lowered = sorted({w.lower() for w in words})
    if not lowered or any(not w or w[0].isspace() for w in lowered) or any(
            not (c.isascii() or (0xE0 <= ord(c) <= 0xFE and ord(c) != 0xF7)) for w in lowered for c in w):
        return "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return _trie_pattern(lowered, literal_space=True)  # the callers write it inside (?i:...)


def _caseless_trie(words) -> str:
    """The pattern text of :func:`_alt` of the words for use inside ``(?i:...)`` (their
    alternation longest first, spaces as ``\\s+``), written as a trie of the lower-cased words
    (:func:`corpus_tools.speakers._trie_pattern`) under the conditions of
    :func:`_caseless_alternation`: every character ASCII or a lower-case Latin-1 letter, no word
    empty or opening with a space, and no space but " " (written ``\\s+``, which matches only
    spaces, as no other branch does). The same matches; :func:`_alt` itself otherwise.

    >>> print(_caseless_trie({"prime minister", "premier", "Prime"}))
    pr(?:emier|ime(?:\\s+minister)?)
    """
    lowered = sorted({w.lower() for w in words})
    if not lowered or any(not w or w[0].isspace() or any(c.isspace() and c != " " for c in w) for w in lowered) or any(
            not (c.isascii() or (0xE0 <= ord(c) <= 0xFE and ord(c) != 0xF7)) for w in lowered for c in w):
        return _alt(words)
    return _trie_pattern(lowered)


def _rows_by(rows: list, key) -> dict:
    """``rows`` grouped by ``key(row)``, each group in the rows' order (an index replacing a scan of all rows).

    >>> _rows_by([("a", 1), ("b", 2), ("a", 3)], lambda t: t[0])
    {'a': [('a', 1), ('a', 3)], 'b': [('b', 2)]}
    """
    out: dict = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return out


def _build_words(directory: Path, titles: pd.DataFrame, cues: dict) -> _Words:
    from corpus_tools.speakers import (load_demonyms, load_honorifics, load_institutions, load_leader_nouns,
                                       load_name_particles)

    hon = load_honorifics(directory)
    honorifics = {r.honorific: (r.gender, r.name_part) for r in hon.itertuples(index=False)}
    particles = load_name_particles(directory)
    dem = load_demonyms(directory)
    demonyms = dict(zip(dem["word"], dem["country"]))
    ln = load_leader_nouns(directory)
    nouns = {n.lower(): r for n, r in zip(ln["noun"], ln["role"])}
    inst = load_institutions(directory)
    names = inst[inst["kind"] == "name"]
    inst_names = {v: (i, c) for v, i, c in zip(names["variant"], names["institution"], names["country"])}
    variants = set()
    for v in inst_names:
        variants.add(v)
        if v.startswith("the "):
            variants.add("The " + v[4:])
            variants.add("THE " + v[4:])  # tabloid house style capitalises an article's first word: "THE Kremlin last night ..."
    inst_nouns = {n.lower(): t for n, t in zip(inst.loc[inst["kind"] == "noun", "variant"], inst.loc[inst["kind"] == "noun", "institution"])}
    d, nn, inn = _alt(demonyms), _alt(nouns), _alt(inst_nouns)  # as alternations for the dated titles below
    # as tries for the patterns searched in every document: the same matches (see _alt_as_trie and
    # _caseless_trie), without trying each of the hundreds of words at every position
    d_trie, nn_trie, inn_trie = _alt_as_trie(demonyms), _caseless_trie(nouns), _caseless_trie(inst_nouns)
    office_roles = {n: ("head_of_state" if t.startswith("presidency") else "head_of_government")
                    for n, t in inst_nouns.items() if t.startswith(("presidency", "government")) and n != "government"}
    pos = r"(?:'s|\u2019s)?"
    name_tok = r"[A-Z][\w'\u2019-]*\w"
    part = r"(?:(?:" + _alt(particles) + r")\s+)"
    honorific_re = re.compile(_first_char_ahead(honorifics) + r"(?<![\w.])(" + _alt(honorifics) + r")\s+(" + part + r"?" + name_tok + r"(?:\s+" + part + r"?"
                              + name_tok + r"){0,3})" + pos + r"(?![\w])")
    title_words = set()
    for w in list(nouns) + list(honorifics) + list(titles["title"]):
        title_words.update(x.lower() for x in w.split())
    title_words.update(x.lower() for w in demonyms for x in w.split())
    title_words.update({"the", "former", "deputy", "acting", "outgoing", "new", "then", "vice", "of"})
    stance_table = load_stances(directory)
    stances = dict(zip(stance_table["verb"], stance_table["stance"]))
    role_titles = []
    for row in titles.itertuples(index=False):
        if not row.actor:
            continue
        key = " ".join(row.title.replace("\u2019", "'").split())
        m = re.fullmatch(r"(?:the )?(" + d + r")" + pos + r" (" + nn + r")", key, re.IGNORECASE) or None
        country = role = ""
        if m:
            country = next((c for w, c in demonyms.items() if w.lower() == m.group(1).lower()), "")
            role = nouns.get(" ".join(m.group(2).lower().split()), "")
        else:
            m = re.fullmatch(r"(" + nn + r") of (?:the )?(" + d + r")", key, re.IGNORECASE)
            if m:
                country = next((c for w, c in demonyms.items() if w.lower() == m.group(2).lower()), "")
                role = nouns.get(" ".join(m.group(1).lower().split()), "")
        if country and role:
            role_titles.append((country, role, None if _missing_date(row.valid_from) else row.valid_from,  # tested once here,
                                None if _missing_date(row.valid_to) else row.valid_to, row.actor))  # not at each look-up
    labels = _alt(cues["quote_label"])
    # the look-ahead, a case-insensitive class of the labels' first letters, lets the engine skip
    # the positions where no label can start (it holds where the alternation can match)
    label_starts = "".join(sorted({re.escape(w[0]) for w in cues["quote_label"] if w}))
    ahead = "(?=(?i:[" + label_starts + "]))" if all(w and not w[0].isspace() for w in cues["quote_label"]) else ""
    label_re = re.compile(ahead + r"(?<![\w])(?i:" + labels + r")(?![\w])\s*:?\s*")
    label_head_re = re.compile(ahead + r"(?<![\w])(?=(?i:" + labels + r")(?![\w]))")  # its tail can match nothing
    lower_labels = sorted({w.lower() for w in cues["quote_label"]})
    label_head_lower_re = re.compile(
        _first_char_ahead(lower_labels) + r"(?<![\w])(?=(?:" + _trie_pattern(lower_labels) + r")(?![\w]))"
    ) if lower_labels and all(w and w.isascii() and not w[0].isspace() and not any(c.isspace() and c != " " for c in w)
                              for w in lower_labels) else None
    stance_verbs = cues["stance_verb"] | cues["reporting_verb"]
    stance_verb_re = re.compile(_first_char_ahead(stance_verbs) + r"(?<![\w-])(" + _alt(stance_verbs) + r")(?![\w-])")
    the_or_dem = _first_char_ahead([*demonyms, "the", "The"])  # the first characters of dem_title_re and inst_noun_re
    d, nn, inn = d_trie, nn_trie, inn_trie
    return _Words(
        honorifics=honorifics, honorific_re=honorific_re, honorific_words=frozenset(honorifics), demonyms=demonyms, nouns=nouns,
        dem_title_re=re.compile(the_or_dem + r"(?<![\w.])(?:(?:the|The)\s+)?(" + d + r")" + pos + r"\s+(?i:(" + nn + r"))(?![\w])"),
        of_title_re=re.compile(r"(?=[Tt])(?<![\w.])(?:the|The)\s+(?i:(" + nn + r"))\s+of\s+(?:the\s+)?(" + d + r")(?![\w])"),
        of_country_re=re.compile(r",?\s+of\s+(?:the\s+)?(" + d + r")(?![\w])"),
        bare_title_re=re.compile(r"(?=[Tt])(?<![\w.])(?:the|The)\s+(?i:(" + nn + r"))(?![\w-])(?!['\u2019](?!s\b))"),
        intro_before_re=re.compile(r"(?:(" + d + r")" + pos + r"\s+)?(?i:(" + nn + r"))\s*,?\s*$"),
        intro_after_re=re.compile(r"^,\s+(?:(?:the|a|an)\s+)?(?:(?:(" + d + r")" + pos + r"\s+(?i:(" + nn + r")))|(?i:(" + nn
                                  + r"))\s+of\s+(?:the\s+)?(" + d + r"))(?![\w])"),
        inst_name_re=re.compile(_first_char_ahead(variants) + r"(?<![\w])(" + _alt_as_trie(variants) + r")" + pos + r"(?![\w])"),
        inst_names=inst_names, inst_variants=frozenset(variants),
        label_words=frozenset(cues["quote_label"]),
        scan_group=(frozenset(cues["source_noun"]), frozenset(inst_nouns), frozenset(("office",)), frozenset(nouns),
                    frozenset(honorifics), frozenset(variants), frozenset(cues["quote_label"])),
        inst_noun_re=re.compile(the_or_dem + r"(?<![\w.])(?:(?:the|The)\s+)?(" + d + r")" + pos + r"\s+(?i:(" + inn + r"))(?![\w])"),
        inst_of_re=re.compile(r"(?<![\w.])(?:(?:the|The)\s+)?(?i:(" + inn + r"))\s+of\s+(?:the\s+)?(" + d + r")(?![\w])"),
        inst_office_re=re.compile(r"(?<![\w.])(?:(?:the|The)\s+)?(?:(?i:office\s+of\s+the)\s+(" + d + r")\s+(?i:(" + nn
                                  + r"))|(" + d + r")\s+(?i:(" + nn + r"))(?:'s|\u2019s)\s+(?i:office))(?![\w])"),
        inst_nouns=inst_nouns,
        office_re=re.compile(r"(?=[Tt])(?<![\w.])(?:the|The)\s+(?i:(" + _alt(office_roles).replace("'", "['\u2019]") + r"))(?!\s+of\s)(?![\w])"),
        office_roles=office_roles, title_words=frozenset(title_words), particles=particles,
        domain_keys=frozenset(load_domain_terms(directory)["key"]), stances=stances,
        stance_verb_re=stance_verb_re, label_re=label_re, label_head_re=label_head_re,
        label_head_lower_re=label_head_lower_re, role_titles=role_titles,
        roles_by_holder=_rows_by(role_titles, lambda t: t[4]), roles_by_key=_rows_by(role_titles, lambda t: (t[0], t[1])),
        noun_ends=tuple(sorted({n.split()[-1] for n in nouns})) if all(n.isascii() for n in nouns) else (),
        **_cue_patterns(cues, particles, label_re, stance_verb_re, inst_nouns))


@dataclass
class _Person:
    name: str
    actor: str
    speaker_type: str
    gender: str = ""
    roles: set = None  # (country, role)
    first: int = 0  # offset of the first mention

    def keys(self, particles: frozenset) -> tuple[str, str]:
        """(surname, first name): the surname keeps its particles ("De Wever", "von der Leyen")."""
        return _name_keys(self.name, particles)


@lru_cache(maxsize=4096)  # a name's keys are asked for at each unknown name of its document (see _Doc._corefer)
def _name_keys(name: str, particles: frozenset) -> tuple[str, str]:
    """:meth:`_Person.keys` of a name.

    >>> _name_keys("Ursula von der Leyen", frozenset({"von", "der"})), _name_keys("Macron", frozenset())
    (('von der Leyen', 'Ursula'), ('Macron', 'Macron'))
    """
    words = name.split()
    i = len(words) - 1
    while i > 1 and words[i - 1] in particles:
        i -= 1
    return " ".join(words[i:]) if len(words) > 1 else words[0], words[0]


@lru_cache(maxsize=8)
def _person_actors(lexicon: Lexicon) -> tuple[str, ...]:
    """The people of the lexicon's actors table, in its order (read-only; filtered once per
    lexicon, not at each honorific with a first name, "Sir Keir")."""
    return tuple(lexicon.actors.loc[lexicon.actors["type"] == "person", "actor"])


def _one_space(words: str) -> str:
    """Words as the tables write them, one space apart: the patterns match any spaces between
    them ("the Foreign  Office", "South\nKorean"), the tables' keys have one."""
    return " ".join(words.split())


def _intro_before(w: _Words, before: str) -> re.Match | None:
    """``w.intro_before_re.search(before)``, skipped when ``before`` cannot end with a leader noun.

    The pattern ends with a noun, spaces and an optional comma; the noun's last word ends the
    text so trimmed, inside its last word. In ASCII, where ``str.lower`` and the pattern's
    ``(?i:...)`` fold alike, a last word that does not end with a noun's last word has no match.
    """
    tail = before.rstrip()
    if tail.endswith(","):
        tail = tail[:-1].rstrip()
    words = tail.rsplit(None, 1)
    last = words[-1] if words else ""
    if w.noun_ends and last.isascii() and last[-1:].isalpha() and not last.lower().endswith(w.noun_ends):
        return None
    return _intro_search(w.intro_before_re, before)


@lru_cache(maxsize=20000)
def _intro_search(pattern: re.Pattern, before: str) -> re.Match | None:
    """``pattern.search(before)``, once per text and process: the 60 characters before a name
    (:meth:`_Doc._title_before`, read once per mention for its roles and its title prefix)
    recur across reports (593 of 5,122 searches of 1,000 distinct synthetic articles). The
    answer depends on the text alone (the callers read the match and do not change it)."""
    return pattern.search(before)


def _missing_date(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _role_match(query: str, held: str) -> bool:
    return query == held or (query == "leader" and held in ("head_of_state", "head_of_government"))


# ---------------------------------------------------------------------------------------------
# 2. speakers and attribution


@dataclass(slots=True)  # no attribute outside the fields: created by the thousand per batch, read often
class _Candidate:
    start: int
    end: int
    speaker: str
    actor: str
    speaker_type: str  # person, country, organisation, unnamed, unknown, pronoun
    how: str = ""  # title / pronoun / name
    gender: str = ""
    possessive: bool = False


# Fixed scans of _Doc, each opened by a look-ahead for the characters its matches start with: the
# same matches, but the engine skips other positions quickly (a look-behind first does not).
_YEAR_OLD = re.compile(r"(?=[Tt])(?<![\w-])(?:the|The)\s+\d{2}-year-old(?![\w-])")  # "the 47-year-old said"
_THEY = re.compile(r"(?=[Tt])(?<![\w-])(they|They)(?![\w-])")
_HE_SHE = re.compile(r"(?=[HShs])(?<![\w-])(he|she|He|She)(?![\w-])")
_WORD_CHAR = re.compile(r"\w")
_THE = re.compile("[Tt]he")  # where _YEAR_OLD, _THEY and the words' "the ..." patterns can match (see _finditer_at, _Doc._the)
_OFFICE_OF = re.compile(r"(?=[HhOo])(?<![\w])((?:[Hh]is|[Hh]er)\s+|)(?i:office)(?![\w])(\s+of\s+)?")  # "Her office", "the office of"


def _masked(text: str, spans: list[dict]) -> str:
    """``text`` with each quotation, marks included, written over with :data:`MASK` (one
    character for one), built from slices of the text instead of a list of its characters.

    >>> _masked('He said \u201cno\u201d twice.', quote_spans('He said \u201cno\u201d twice.')) == 'He said ' + MASK * 4 + ' twice.'
    True
    """
    pieces, at = [], 0
    for lo, hi in sorted((s["open"] if s["open"] >= 0 else s["start"], (s["close"] + 1) if s["close"] >= 0 else s["end"])
                         for s in spans):
        lo = max(lo, at)  # spans that overlap are masked once
        if hi <= lo:
            continue
        pieces.append(text[at:lo])
        pieces.append(MASK * (hi - lo))
        at = hi
    pieces.append(text[at:])
    return "".join(pieces)


_WORD_OR_HYPHEN = re.compile(r"[\w-]")
_PUNCT_OR_END = re.compile(r"\s*(?:[,.;:!?]|$)")  # a clause ends after a one-word name ("..., said Watanabe.")


def _match_as_slice(pattern: re.Pattern, text: str, pos: int) -> tuple[re.Match | None, int]:
    """``pattern.match(text[pos:])`` for a pattern whose only look before its start is an
    opening ``(?<![\\w-])`` (``verb_re`` and the patterns that begin with it), and the offset its
    match's offsets count from: the text itself from ``pos`` where the character before cannot
    fail the look-behind, so the rest of the text is not copied; the slice where it can.

    >>> said = re.compile(r"(?<![\\w-])said\\s+")
    >>> [(base, base + m.end()) for m, base in (_match_as_slice(said, "he said it", 3), _match_as_slice(said, "xsaid it", 1))]
    [(0, 8), (1, 6)]
    """
    if pos > 0 and _WORD_OR_HYPHEN.match(text, pos - 1):
        return pattern.match(text[pos:]), pos
    return pattern.match(text, pos), 0


def _after_spaces(text: str, pos: int) -> int:
    """The offset after the spaces (" " only) at ``pos``: ``len(text) - len(text[pos:].lstrip(" "))``
    without the copy.

    >>> _after_spaces("a   b", 1), _after_spaces("a b", 0)
    (4, 0)
    """
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _find_all(text: str, word: str) -> list[int]:
    """Every offset where ``word`` occurs in ``text``, overlapping occurrences too, found with
    :meth:`str.find` (a scan in C, many times faster than a regular expression that looks at every
    position): where a pattern that opens with the word, in any case, can match in the text
    lower-cased (see :func:`_finditer_at`).

    >>> _find_all("the theme: they", "the"), _find_all("aaa", "aa")
    ([0, 4, 11], [0, 1])
    """
    found, pos = [], text.find(word)
    while pos >= 0:
        found.append(pos)
        pos = text.find(word, pos + 1)
    return found


def _surname_spans(text: str, surname: str) -> Iterator[tuple[int, int]]:
    r"""The spans of ``re.finditer(r"(?<![\w.])" + re.escape(surname) + r"(?:'s|’s)?(?![\w])", text)``
    (a surname the report introduced, possessive or not: "Nowicki", "Nowicki's"), found with
    :meth:`str.find` and the same boundary tests, instead of a pattern compiled for each
    surname (most reports introduce people no other report names).

    Exact: a match starts where the surname occurs after neither a word character nor a full
    stop; it takes "'s" when no word character follows that, else ends after the surname when
    no word character follows it; the search resumes at a match's end, or one character on.

    >>> t = "Nowicki said. Nowicki's aides, Nowickis and .Nowicki: Nowicki's"
    >>> [t[a:b] for a, b in _surname_spans(t, "Nowicki")]
    ['Nowicki', "Nowicki's", "Nowicki's"]
    """
    n = len(surname)
    pos = text.find(surname) if n else -1
    while pos >= 0:
        end = pos + n
        if pos == 0 or not (_WORD_CHAR.match(text, pos - 1) or text[pos - 1] == "."):
            if text.startswith(("'s", "\u2019s"), end) and _WORD_CHAR.match(text, end + 2) is None:
                yield pos, end + 2
                pos = text.find(surname, end + 2)
                continue
            if _WORD_CHAR.match(text, end) is None:
                yield pos, end
                pos = text.find(surname, end)
                continue
        pos = text.find(surname, pos + 1)


def _finditer_at(pattern: re.Pattern, text: str, positions: list[int]) -> Iterator[re.Match]:
    r"""``pattern.finditer(text)`` for a pattern whose matches are never empty and start only at
    ``positions`` (sorted; any offsets besides those are tried in vain, not missed): the pattern
    tried at each of them, skipping those inside the match before, as ``finditer`` resumes after
    a match. The patterns of :class:`_Doc` that open with "the" or "The" share one scan for those
    words (``_Doc._the``) instead of each scanning the text ("the ministry said", "the
    47-year-old", "They added"); others are tried where their words occur (:meth:`_Doc._starts`,
    :func:`_find_all`).

    >>> text = "the minister and The ministry; they said"
    >>> pattern = re.compile(r"(?=[Tt])(?<![\w-])(?:the|The|they)\s+\w+")
    >>> [m.group(0) for m in _finditer_at(pattern, text, [m.start() for m in _THE.finditer(text)])]
    ['the minister', 'The ministry', 'they said']
    """
    end = -1
    for p in positions:
        if p < end:
            continue
        m = pattern.match(text, p)
        if m is not None:
            end = m.end()
            yield m


class _Doc:
    """One document prepared for attribution: masked text, sentences, speaker candidates."""

    def __init__(self, doc_id: str, text: str, when, lexicon, actors: pd.DataFrame, cues: dict, stop: frozenset,
                 sentence_spans: list[tuple[int, int]], words: _Words, genders: dict | None = None,
                 descriptions: dict | None = None):
        self.doc_id, self.text, self.words = doc_id, text, words
        self.speakers: list[_Candidate] = []  # speakers of the quotes attributed so far, in reading order
        self.day = when if type(when) is date else (  # a date as pipeline documents give it; else as before
            None if when is None or (not isinstance(when, str) and pd.isna(when)) else pd.Timestamp(when).date())
        self.spans = quote_spans(text)
        self.masked = _masked(text, self.spans)
        self._text_end = len(text.rstrip())  # nothing but spaces from here on (see _is_heading)
        self._memo: dict = {}  # computed on demand, shared by the fresh() copies (see label_starts)
        lowered = self.lowered()
        # one scan for the patterns opening with "the"/"The" (or "they"/"They"): in the lower-cased
        # text by str.find where there is one (there "the" in any case, a superset of "[Tt]he")
        self._the = [m.start() for m in _THE.finditer(self.masked)] if lowered is None else _find_all(lowered, "the")
        self.sentences = sentence_spans
        ordered = all(a <= b <= c for (a, b), (c, _) in zip(sentence_spans, sentence_spans[1:]))
        self._sentence_starts = [a for a, _ in sentence_spans] if ordered else None  # for bisection in sentence_of
        self._index = None  # candidates by offset, once they are final (end of __init__)
        self.cues, self.stop = cues, stop
        self.verb_re = words.verb_re
        genders = dict(zip(actors["actor"], actors["gender"])) if genders is None else genders
        self._actors = actors
        self._descriptions = descriptions  # actor -> its lower-cased description, read on demand (see _institution_anaphors)
        self.candidates: list[_Candidate] = []
        found = _all_mentions(text, lexicon, _as_day(when))  # find_mentions(places=True) without its copies: read, never changed
        self._countries = {m["start"]: m for m in found if m["type"] == "country"}  # places too: "the ministry in Moscow"
        places = [(m["start"], m["end"]) for m in found]
        name_next = words.name_next_re
        for m in found:
            if self.masked[m["start"]] == MASK or _is_place(text, m):  # as find_mentions(places=False)
                continue
            if m["how"] == "title" and name_next.match(self.masked, m["end"]):
                continue  # "Belgian Prime Minister Jan De Smet": the title of a name the gazetteer does not know
            kind = m["type"]
            self.candidates.append(_Candidate(m["start"], m["end"], m["actor"], m["actor"], kind,
                                              "title" if m["how"] == "title" else "name", genders.get(m["actor"], ""),
                                              m["surface"].endswith(("'s", "\u2019s"))))
        # an unnamed source overlapping a person gives way to it; the other candidates it overlaps give
        # way to it (each question answered by _overlap_test, not a scan of every pair)
        overlaps_person = _overlap_test([(c.start, c.end) for c in self.candidates if c.speaker_type == "person"])
        unnamed = [u for u in self._unnamed() if not overlaps_person(u.start, u.end)]
        overlaps_unnamed = _overlap_test([(u.start, u.end) for u in unnamed])
        self.candidates = [c for c in self.candidates if not overlaps_unnamed(c.start, c.end)]
        self.candidates.extend(unnamed)
        for m in _finditer_at(_YEAR_OLD, self.masked, self._the):  # tabloid: "the 47-year-old said"
            if not self._overlapping(m.start(), m.end()):
                self.candidates.append(_Candidate(m.start(), m.end(), m.group(0), "", "unnamed", "name"))
        self._add_institutions()
        self._add_honorifics(lexicon, genders)
        taken = [(c.start, c.end) for c in self.candidates] + places
        self.candidates.extend(self._unknown_names(taken))  # none overlaps what is taken or another (see there)
        self.candidates.sort(key=lambda c: c.start)
        self._corefer(lexicon, genders)
        self._institution_anaphors()
        for m in (re.finditer(r"(?i:according\s+to)\s+(him|her)(?![\w-])", self.masked)
                  if lowered is None or "according" in lowered else ()):  # each match holds it
            self.candidates.append(_Candidate(m.start(1), m.end(1), m.group(1), "", "pronoun", "pronoun", _PRONOUNS[m.group(1)]))
        # "it" as an institution's pronoun, in the active voice only: "The Commission said ... It added that"
        # (each of it_re and _HE_SHE tried only where "it", or "he"/"she", is in the lower-cased text: every
        # match starts there; for "he" after "s", at the "s": "he" itself cannot match after a word character)
        for m in (words.it_re.finditer(self.masked) if lowered is None else _finditer_at(words.it_re, self.masked, _find_all(lowered, "it"))):
            self.candidates.append(_Candidate(m.start(1), m.end(1), "it", "", "pronoun", "pronoun", "neuter"))
        for m in _finditer_at(_THEY, self.masked, self._the):
            self.candidates.append(_Candidate(m.start(), m.end(), "they", "", "pronoun", "pronoun", "plural"))
        for m in (_HE_SHE.finditer(self.masked) if lowered is None else _finditer_at(
                _HE_SHE, self.masked, [q - 1 if q and lowered[q - 1] == "s" else q for q in _find_all(lowered, "he")])):
            self.candidates.append(_Candidate(m.start(), m.end(), m.group(1).lower(), "", "pronoun", "pronoun",
                                              _PRONOUNS[m.group(1).lower()]))
        self.candidates.sort(key=lambda c: c.start)
        by_start: dict[int, _Candidate] = {}
        by_end: dict[int, _Candidate] = {}
        for c in self.candidates:  # the first in reading order, as the scans in candidate_at and candidate_ending
            by_start.setdefault(c.start, c)
            if not c.possessive:
                by_end.setdefault(c.end, c)
        self._index = ([c.start for c in self.candidates], by_start, by_end)

    def label_starts(self) -> list[int]:
        """Every offset of the masked text where a quote label matches (``label_re``), in order;
        found once per document, on demand (a label is looked for near many quotations).

        The labels are ASCII: where lower-casing the text changes no length and no character
        folds to ASCII only under ``(?i)`` (``speakers._FOLDS_TO_ASCII``), they match the
        lower-cased text case-sensitively where they match the text ignoring case, and a trie of
        them finds the offsets faster; tried only where a label occurs (the document's word
        lists' scan, ``_Words.scan_group``), as a label starts each match.

        >>> from corpus_tools.resources import resource_stamp
        >>> doc = _shared_doc("d", "Source: the ministry. So be it, in the words of Ana Gil.", None, ((0, 56),),
        ...                   resource_stamp(_data_dir(None)))
        >>> [doc.masked[p:p + 6] for p in doc.label_starts()]
        ['Source', 'So be ', 'in the', 'words ']
        """
        starts = self._memo.get("label_starts")
        if starts is None:
            lowered, head = self.lowered(), self.words.label_head_lower_re
            spans = None if head is None or lowered is None else _word_spans(self.words.label_words, lowered, self.words.scan_group)
            if spans is not None:  # the pattern is empty: it matches at each offset where it can
                starts = [p for p in dict.fromkeys(a for a, _ in spans) if head.match(lowered, p)]
            elif head is not None and lowered is not None:
                starts = [m.start() for m in head.finditer(lowered)]
            else:
                starts = [m.start() for m in self.words.label_head_re.finditer(self.masked)]
            self._memo["label_starts"] = starts
        return starts

    def lowered(self) -> str | None:
        """The masked text lower-cased, where that keeps every offset and no character folds to
        ASCII only under ``(?i)`` (``speakers._FOLDS_TO_ASCII``): there an ASCII word occurs,
        ignoring case, where its lower-case form occurs in this text. None elsewhere."""
        if "lowered" not in self._memo:
            runs = _runs_of(self.masked)  # the same test, and the lower-cased text, the run searches already made
            self._memo["lowered"] = runs[0] if runs is not None else None
        return self._memo["lowered"]

    def may_hold_label(self, a: int, b: int) -> bool:
        """False when ``label_re.finditer(self.masked, a, b)`` finds nothing: no label starts in
        ``[a, b)`` and the search's end cannot cut a word (there the bounded search can match a
        label the whole text does not: "source" of "sourced"), so the search can be skipped."""
        starts = self.label_starts()
        k = bisect.bisect_left(starts, a)
        return (k < len(starts) and starts[k] < b) or (b < len(self.masked) and _WORD_CHAR.match(self.masked, b) is not None)

    def _starts(self, words: frozenset[str]) -> list[int] | None:
        """Every offset where one of ``words`` occurs in the lower-cased masked text, in any case
        (:func:`corpus_tools.speakers._word_spans`, an Aho-Corasick scan; a space in a word
        matches any spaces), sorted: a superset of where a case-sensitive pattern opening with one
        of the words can match, to try it there alone (:func:`_finditer_at`). None where there is
        no lower-cased text or no automaton for the words (then search the whole text).

        >>> from corpus_tools.resources import resource_stamp
        >>> doc = _shared_doc("d", "Mr  Tusk met Lady Ashton. Mrs. Gil", None, ((0, 34),), resource_stamp(_data_dir(None)))
        >>> doc._starts(frozenset({"Mr", "Mrs.", "Lady"}))
        [0, 13, 26]
        """
        lowered = self.lowered()
        spans = _word_spans(words, lowered, self.words.scan_group) if lowered is not None else None
        return None if spans is None else list(dict.fromkeys(a for a, _ in spans))

    def fresh(self) -> "_Doc":
        """A copy sharing the prepared text and candidates, with no quotation attributed yet."""
        doc = copy.copy(self)
        doc.speakers = []
        return doc

    # -- institutions, honorifics, document-level coreference ---------------------------------
    def _overlapping(self, a: int, b: int) -> list[_Candidate]:
        return [c for c in self.candidates if c.start < b and a < c.end]

    def _replace(self, new: _Candidate, *, keep_types: tuple[str, ...] = ()) -> bool:
        """Put ``new`` in place of the candidates it overlaps, unless one of them is longer or kept."""
        over = self._overlapping(new.start, new.end)
        if any((c.speaker_type in keep_types and c.how != "title") or (c.end - c.start) > (new.end - new.start) for c in over):
            return False
        # the candidates not in ``over``: those that do not overlap ``new`` (``over`` holds every one
        # that does, and a candidate equal to one of them has its span, so overlaps too), found
        # without comparing each candidate with each of ``over`` field by field
        a, b = new.start, new.end
        self.candidates = [c for c in self.candidates if not (c.start < b and a < c.end)] + [new]
        return True

    def _add_institutions(self) -> None:
        """Institutions as speakers: "the Élysée said", "the Ukrainian Foreign Ministry said",
        "the office of the Italian prime minister said" (speaker type ``group``)."""
        w, masked, found = self.words, self.masked, []
        starts = self._starts(w.inst_variants)  # every match starts where a variant does
        for m in w.inst_name_re.finditer(masked) if starts is None else _finditer_at(w.inst_name_re, masked, starts):
            variant = _one_space(m.group(1))  # the pattern allows any spaces between words: "the Foreign  Office"
            key = "the " + variant[4:] if variant.startswith(("The ", "THE ")) else variant
            found.append((m.start(), m.end(), w.inst_names[key][0]))
        for m in _finditer_in_runs(w.inst_noun_re, masked, w.inst_nouns, w.scan_group):  # each holds an institution noun
            found.append((m.start(), m.end(), w.inst_nouns[" ".join(m.group(2).lower().split())].format(country=w.demonyms[_one_space(m.group(1))])))
        for m in _finditer_in_runs(w.inst_of_re, masked, w.inst_nouns, w.scan_group):
            found.append((m.start(), m.end(), w.inst_nouns[" ".join(m.group(1).lower().split())].format(country=w.demonyms[_one_space(m.group(2))])))
        for m in _finditer_at(w.inst_in_re, masked, self._the):
            place = self._countries.get(m.end())  # "the Foreign Ministry in Moscow", "the government in Warsaw"
            if place is not None and not w.inst_nouns[" ".join(m.group(1).lower().split())].startswith("embassy"):  # "the embassy in London" is a guest
                found.append((m.start(), place["end"], w.inst_nouns[" ".join(m.group(1).lower().split())].format(country=place["actor"])))
        for m in _finditer_in_runs(w.inst_office_re, masked, ("office",), w.scan_group):  # both forms hold "office"
            dem, noun = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            role = w.nouns[" ".join(noun.lower().split())]
            kind = "presidency" if role == "head_of_state" else "government"
            found.append((m.start(), m.end(), f"{kind} of {w.demonyms[_one_space(dem)]}"))
        nouns = w.source_after_re
        for a, b, name in sorted(found, key=lambda t: (t[0], -(t[1] - t[0]))):
            if masked[a] == MASK or nouns.match(masked, b):
                continue  # "a No 10 spokesman", "a White House official": the source is unnamed
            possessive = masked[a:b].endswith(("'s", "\u2019s"))
            self._replace(_Candidate(a, b, name, name, "group", "name", "", possessive), keep_types=("person", "unnamed"))

    def _add_honorifics(self, lexicon, genders: dict) -> None:
        """Honorific + name ("Mr Macron", "Sir Keir", "Mme Le Pen") as one candidate; resolved in :meth:`_corefer`."""
        starts = self._starts(self.words.honorific_words)  # every match starts where an honorific does
        for m in (self.words.honorific_re.finditer(self.masked) if starts is None
                  else _finditer_at(self.words.honorific_re, self.masked, starts)):
            name = m.group(2)
            how = _one_space(m.group(1))  # "Prime  Minister", "Prime\nMinister": the table's key has one space
            gender = self.words.honorifics[how][0]
            possessive = m.group(0).endswith(("'s", "\u2019s"))
            known = lexicon.name_info.get(name)
            if known and known[2] == "person":
                c = _Candidate(m.start(), m.end(), known[0], known[0], "person", "name", genders.get(known[0], ""), possessive)
            elif len(name.split()) >= 2:
                continue  # "Prime Minister Donald Tusk": a full name, found with its title by _unknown_names
            else:
                c = _Candidate(m.start(), m.end(), name, "", "honorific", how, gender, possessive)
            self._replace(c)

    def _roles_at(self, country: str, role: str) -> str:
        """The gazetteer's holder of a (country, role) on the document's date ("the U.K. leader")."""
        for queried in ([role] + (["head_of_government", "head_of_state"] if role == "leader" else ["leader"])):
            for c, r, valid_from, valid_to, actor in self.words.roles_by_key.get((country, queried), ()):
                if self.day is None:
                    if valid_to is None:  # missing dates are None in role_titles
                        return actor
                elif (valid_from is None or valid_from <= self.day) and (valid_to is None or self.day < valid_to):
                    return actor
        return ""

    def _known_roles(self, actor: str) -> set:
        roles = set()
        for c, r, valid_from, valid_to, holder in self.words.roles_by_holder.get(actor, ()):
            if (self.day is None or ((valid_from is None or valid_from <= self.day)  # missing dates are None in role_titles
                                     and (valid_to is None or self.day < valid_to))):
                roles.add((c, r))
        return roles

    def _title_before(self, c: _Candidate) -> re.Match | None:
        """A leader noun (and country adjective) ending the 60 characters before a name: "Polish
        Prime Minister " before "Donald Tusk" (:func:`_intro_before`); read once per mention for
        both :meth:`_intro_roles` and :meth:`_take_title_prefix`."""
        return _intro_before(self.words, self.masked[max(0, c.start - 60):c.start])

    def _intro_roles(self, c: _Candidate, m: re.Match | None) -> set:
        """Roles given next to a name: "Polish Prime Minister Donald Tusk", "Tusk, Poland's prime
        minister" (``m``: :meth:`_title_before` of the name)."""
        w, roles = self.words, set()
        if m:
            country = w.demonyms.get(_one_space(m.group(1) or ""), "")
            of = w.of_country_re.match(self.masked[c.end:c.end + 60]) if not country else None
            country = w.demonyms.get(_one_space(of.group(1)), "") if of else country  # "Prime Minister Kristen Michal of Estonia"
            roles.add((country, w.nouns[" ".join(m.group(2).lower().split())]))
        m = w.intro_after_re.match(self.masked[c.end:c.end + 80])
        if m:
            dem, noun = (m.group(1), m.group(2)) if m.group(2) else (m.group(4), m.group(3))
            roles.add((w.demonyms.get(_one_space(dem or ""), ""), w.nouns[" ".join(noun.lower().split())]))
        return roles

    def _take_title_prefix(self, c: _Candidate, m: re.Match | None) -> None:
        """ "said Belgian Prime Minister Bart De Wever": the title before a name is part of the
        mention (``m``: :meth:`_title_before` of the name)."""
        if m and "," not in m.group(0):
            start = c.start - len(m.group(0))
            the = re.search(r"(?:the|The)\s+$", self.masked[max(0, start - 4):start])
            start -= len(the.group(0)) if the else 0
            if not any(o is not c and o.start < c.start and start < o.end for o in self.candidates):
                c.start = start

    def _corefer(self, lexicon, genders: dict) -> None:
        """Document-level coreference for people.

        Full names introduce people; surnames ("Tusk"), honorific + surname ("Mr Tusk", "Sir
        Keir") and titles ("the Polish prime minister", "the PM", "the U.K. leader") met in the
        same document resolve to them; titles no person of the document holds go to the
        gazetteer's dated holder.
        """
        w = self.words
        people: dict[str, _Person] = {}
        for c in self.candidates:
            if c.speaker_type == "person" and c.how != "title":
                p = people.get(c.actor)
                if p is None:  # the first mention introduces the person (its roles read once, not at every mention)
                    p = people[c.actor] = _Person(c.actor, c.actor, "person", c.gender, self._known_roles(c.actor), c.start)
                title = self._title_before(c)
                p.roles |= self._intro_roles(c, title)
                self._take_title_prefix(c, title)
            elif c.speaker_type == "unknown" and len(c.speaker.split()) >= 2:
                title = self._title_before(c)
                roles = self._intro_roles(c, title)
                self._take_title_prefix(c, title)
                earlier = next((p for p in people.values() if p.keys(w.particles)[0] == c.speaker and p.name != c.speaker), None)
                if earlier is not None:  # "De Wever" after "Bart De Wever"
                    c.speaker, c.actor, c.speaker_type, c.gender = earlier.name, earlier.actor, earlier.speaker_type, earlier.gender
                    continue
                p = people.get(c.speaker)
                if p is None:
                    p = people[c.speaker] = _Person(c.speaker, c.speaker, "unknown", "", set(), c.start)
                p.roles |= roles
                if roles:
                    p.speaker_type = "person"
        for c in self.candidates:  # a name introduced with a title is a person
            if c.speaker_type == "unknown" and c.speaker in people:
                c.actor, c.speaker_type = c.speaker, people[c.speaker].speaker_type
        by_surname: dict[str, list[_Person]] = {}
        by_first: dict[str, list[_Person]] = {}
        for p in sorted(people.values(), key=lambda p: p.first):
            surname, first = p.keys(w.particles)
            by_surname.setdefault(surname, []).append(p)
            by_first.setdefault(first, []).append(p)
        # single names and honorifics
        for c in list(self.candidates):
            if c.speaker_type == "unknown" and len(c.speaker.split()) == 1 and (c.speaker in by_surname or c.speaker in by_first):
                p = (by_surname.get(c.speaker) or by_first[c.speaker])[0]  # "Lin" after "Lin Jian": family name first
                c.speaker, c.actor, c.speaker_type, c.gender = p.name, p.actor, p.speaker_type, p.gender
            elif c.speaker_type == "honorific":
                part = w.honorifics[c.how][1]
                tables = (by_first, by_surname) if part == "first_name" else (by_surname, by_first)
                hit = next((t[c.speaker][0] for t in tables if c.speaker in t), None)
                if hit is None:
                    info = lexicon.name_info.get(c.speaker)
                    if info and info[2] == "person":
                        hit = _Person(info[0], info[0], "person", genders.get(info[0], ""))
                    elif part == "first_name":
                        actor = next((a for a in _person_actors(lexicon)
                                      if a.split()[0] == c.speaker), "")
                        hit = _Person(actor, actor, "person", genders.get(actor, "")) if actor else None
                if hit is not None:
                    c.speaker, c.actor, c.speaker_type, c.gender = hit.name, hit.actor, "person", hit.gender or c.gender
                    if hit.name not in people:
                        people[hit.name] = _Person(hit.name, hit.actor, "person", c.gender, self._known_roles(hit.actor), c.start)
                    people[hit.name].speaker_type = "person"  # an honorific marks a person
                else:
                    written = self.text[c.start:c.end]
                    c.speaker = written[:-2] if c.possessive else written
                    c.speaker_type, c.how = "unknown", "name"
                    c.actor = c.speaker if len(c.speaker.split()) >= 3 else ""
                c.how = "name"
        # surnames of people the document introduced, wherever they occur outside quotes
        for surname, ps in by_surname.items():
            if ps[0].actor in lexicon.name_info or " " in surname and False:
                continue
            if len(ps[0].name.split()) < 2:
                continue
            if surname not in self.masked:  # no need to search for a name the text does not hold
                continue
            for a, b in _surname_spans(self.masked, surname):
                if self._overlapping(a, b):
                    continue
                p = ps[0]
                self.candidates.append(_Candidate(a, b, p.name, p.actor, p.speaker_type, "name", p.gender,
                                                  self.masked[a:b].endswith(("'s", "\u2019s"))))
        # offices with no country: "the President's Office said" is the office of the president the report is about
        for m in _finditer_at(w.office_re, self.masked, self._the):
            a, b = m.span()
            if self.masked[a] == MASK or any(c.speaker_type in ("person", "unknown", "group") or (c.end - c.start) > (b - a)
                                             for c in self._overlapping(a, b)):
                continue
            role = w.office_roles[" ".join(m.group(1).lower().replace("\u2019", "'").split())]
            near = [(not self._oblique(c), c.start, r) for c in self.candidates if c.start < a and c.speaker_type == "person"
                    and c.actor in people for r in people[c.actor].roles if r[1] == role and r[0]]
            if not near:
                continue
            country = max(near)[2][0]  # the nearest holder named as a subject, not after "with" (see _oblique)
            name = ("presidency of " if role == "head_of_state" else "government of ") + country
            self.candidates = [c for c in self.candidates if not (c.start < b and a < c.end)]
            self.candidates.append(_Candidate(a, b, name, name, "group", "name", "", self.masked[b:b + 2] in ("'s", "\u2019s")))
        # a person's office: "Zelensky's office said", "Her office said", "The office of Prime Minister
        # Ana Gil said" -> the presidency or government they lead
        lowered = self.lowered()
        for m in _OFFICE_OF.finditer(self.masked) if lowered is None or "office" in lowered else ():  # each match holds it
            a, b = m.span()
            if m.group(2):
                owner = next((c for c in self.candidates if c.speaker_type == "person" and b <= c.start <= b + 40
                              and re.fullmatch(r"(?:(?:the|[A-Z][\w.'-]*)\s+)*", self.masked[b:c.start])), None)
                if owner is None:
                    continue
                a = a - 4 if self.masked[max(0, a - 4):a] in ("the ", "The ") else a
                b = owner.end
            elif m.group(1):
                owner = self.resolve(_Candidate(a, a + len(m.group(1).strip()), m.group(1).strip().lower(), "", "pronoun", "pronoun",
                                                "male" if m.group(1).lower().startswith("his") else "female"), a)
            else:
                owner = next((c for c in self.candidates if c.possessive and c.speaker_type == "person"
                              and re.fullmatch(r"\s+", self.masked[c.end:a])), None)
                a = owner.start if owner is not None else a
            if owner is None or owner.actor not in people or self._overlapping(a, b) and not m.group(1) and \
                    any(c is not owner and c.start < b and a < c.end for c in self.candidates):
                continue
            roles = [r for r in people[owner.actor].roles if r[0] and r[1] in ("head_of_state", "head_of_government")]
            if not roles:
                continue
            country, role = sorted(roles)[0]
            name = ("presidency of " if role == "head_of_state" else "government of ") + country
            self.candidates = [c for c in self.candidates if not (c.start < b and a < c.end)]
            self.candidates.append(_Candidate(a, b, name, name, "group", "name"))
        # titles
        found = []
        for m in _finditer_in_runs(w.dem_title_re, self.masked, w.nouns, w.scan_group):  # each holds a leader noun
            if w.title_name_next_re.match(self.masked, m.end()):
                continue  # "Belgian Prime Minister Bart De Wever": the title belongs to the name
            found.append((m.start(), m.end(), w.demonyms[_one_space(m.group(1))], w.nouns[" ".join(m.group(2).lower().split())]))
        for m in _finditer_at(w.of_title_re, self.masked, self._the):
            found.append((m.start(), m.end(), w.demonyms[_one_space(m.group(2))], w.nouns[" ".join(m.group(1).lower().split())]))
        for m in _finditer_at(w.bare_title_re, self.masked, self._the):
            role = w.nouns[" ".join(m.group(1).lower().split())]
            if role == "leader" or _rx(r"\s+(?:of\s|[A-Z])|,\s+[A-Z]").match(self.masked, m.end()):
                continue
            found.append((m.start(), m.end(), "", role))
        ordered = sorted(self.candidates, key=lambda c: c.start)
        for a, b, country, role in sorted(found, key=lambda t: (t[0], -(t[1] - t[0]))):
            if self.masked[a] == MASK or any((c.speaker_type in ("person", "unknown") and c.how != "title")
                                             or ((c.end - c.start) > (b - a) and c.how != "title")
                                             or ((c.end - c.start) == (b - a) and c.speaker_type != "unnamed" and c.how != "title")
                                             for c in self._overlapping(a, b)):
                continue
            self.candidates = [c for c in self.candidates if not (c.start < b and a < c.end)]
            holder = None
            if country:
                holders = [p for p in people.values() if any(c == country and _role_match(role, r) for c, r in p.roles)]
                if not holders:  # "Prime Minister Kristen Michal ... the Estonian prime minister": one holder of the role
                    loose = [p for p in people.values() if any(not c and _role_match(role, r) for c, r in p.roles)]
                    holders = loose if len(loose) == 1 else []
                holder = min(holders, key=lambda p: (p.first > a, abs(p.first - a))) if holders else None
                if holder is None:
                    actor = self._roles_at(country, role)
                    holder = _Person(actor, actor, "person", genders.get(actor, "")) if actor else None
            else:
                near = [c for c in ordered if c.speaker_type == "person" and c.actor in people
                        and any(_role_match(role, r) for _, r in people[c.actor].roles)]
                before = [c for c in near if c.start < a]
                before = [c for c in before if not self._oblique(c)] or before  # subjects before objects (_oblique)
                pick = before[-1] if before else (near[0] if near else None)
                holder = people[pick.actor] if pick is not None else None
                if holder is None:  # nobody named holds it: the one holder among the countries the report names
                    countries = {c.actor for c in self.candidates if c.speaker_type == "country"}
                    holders = {self._roles_at(country, role) for country in countries} - {""}
                    holders = {h for h in holders if role in {r for _, r in self._known_roles(h)}}
                    if len(holders) == 1:
                        actor = holders.pop()
                        holder = _Person(actor, actor, "person", genders.get(actor, ""))
            possessive = self.masked[a:b + 2].endswith(("'s", "\u2019s"))
            if holder is not None:
                self.candidates.append(_Candidate(a, b, holder.name, holder.actor, "person", "title", holder.gender, possessive))
            else:
                phrase = self.text[a:b]
                phrase = phrase[:1].lower() + phrase[1:] if phrase[:4] == "The " else phrase
                self.candidates.append(_Candidate(a, b, phrase, "", "unnamed", "title", "", possessive))

    def _unnamed(self) -> list[_Candidate]:
        pattern = self.words.unnamed_re
        out = []
        for m in _finditer_near_words(pattern, self.masked, self.cues["source_noun"], self.words.unnamed_gaps,  # each holds a source noun
                                      word_opens=True, group=self.words.scan_group):  # after (?<![\w-]) or spaces
            phrase = m.group(0)
            cut = re.match(r"(?s).*(?:[a-z]{2}|\u2588)[.!?:]\s+", phrase)  # a sentence or paragraph ends inside: start after it
            if cut:
                phrase = " " * cut.end() + phrase[cut.end():]
            if "\n" in phrase:
                phrase = " " * (phrase.rindex("\n") + 1) + phrase[phrase.rindex("\n") + 1:]
            words = phrase.split()
            while words and words[0].lower() not in self.cues["source_modifier"] and words[0][:1].isupper() \
                    and words[0].lower() in self.stop:
                words.pop(0)  # "However sources" -> "sources"
            if not words:
                continue
            start = m.start() + phrase.index(words[0])
            if len(words) > 1 and words[0].isdigit() and self.masked[start - 1:start] == ":":  # a liveblog time, "14:55"
                start = self.masked.index(words[1], start + len(words[0]))
            if _rx(r"\s+[A-Z](?:[a-z]|\.\s)").match(self.masked, m.end()) and not m.group(2):
                continue  # "Belgian Prime Minister Bart De Wever": a title before a name, not an unnamed source
            end = m.end()
            if m.group(2) and m.end(1) > start and m.group(1).split()[-1].lower() in self.cues["document_noun"]:
                # "A statement from Downing Street": the document speaks for Downing Street (see resolve); not
                # when a sentence ended after the document noun and the phrase now starts past it
                end = m.end(1)
            surface = self.text[start:end]
            out.append(_Candidate(start, end, surface[:1].lower() + surface[1:] if surface[:2] in ("A ", "An", "Th") else surface,
                                  "", "unnamed", "name"))
        return out

    def _unknown_names(self, taken: list[tuple[int, int]]) -> list[_Candidate]:
        """Runs of capitalised words the gazetteer does not know ("Tobias Kellner"), as ``unknown``
        candidates, in reading order; none overlaps ``taken`` (the candidates so far and the
        places). Nor do they overlap each other: each lies inside its own match of
        ``unknown_re`` (its start moved right over title words, its end the match's), and
        :meth:`re.Pattern.finditer` matches do not overlap."""
        out = []
        by_last_word: dict[str, str] = {}  # last word of a speaker in ``out`` -> the latest such speaker
        overlaps_taken = _overlap_test(taken)
        w, stop, masked = self.words, self.stop, self.masked  # read once, not at every match
        particles, title_words, honorifics, not_name = w.particles, w.title_words, w.honorifics, self.cues["not_name"]
        for m in w.unknown_re.finditer(masked):
            if overlaps_taken(m.end() - 1, m.end()):
                continue  # its last character is taken, so is the name's (the name ends where the match does)
            words = m.group(1).split()
            offset = m.start()
            while words:  # leading stopwords, pronouns, title words, possessives and honorifics are not the name
                first, more = words[0], len(words) > 1
                if first in particles and more:
                    break
                low = first.lower()
                if not (low in stop or low in _PRONOUNS
                        or (more and ((first[:-2] if first.endswith(("'s", "\u2019s")) else first).lower() in title_words  # "Labour's Emily Thornberry"
                                      or first.endswith(("'s", "\u2019s"))))  # as r"['\u2019]s$" would: no line break in a word
                        or first.rstrip(".") in honorifics):
                    break
                offset = masked.index(words[1], offset + len(first)) if more else offset
                words.pop(0)
            if not words or not not_name.isdisjoint(words):
                continue
            titled = [i for i, x in enumerate(words[:-2]) if x.lower() in title_words and x[:1].isupper()] if len(words) > 2 else ()
            if titled:  # "Cabinet Secretary Yoshimasa Hayashi": the name follows the last title word
                cut = titled[-1] + 1
                offset = masked.index(words[cut], offset + sum(len(x) + 1 for x in words[:cut]) - 1)
                words = words[cut:]
            start = offset
            end = m.end()
            if overlaps_taken(start, end):
                continue
            prev_word = masked[max(0, start - 12):start].split()
            if prev_word and prev_word[-1].lower() in _PREPOSITIONS and \
                    not masked[max(0, start - 13):start].lower().startswith("according to") and \
                    not w.label_end_re.search(masked[max(0, start - 25):start]):
                continue
            name = self.text[start:end]
            if len(words) == 1:  # one word is a name before or after a reporting verb only
                single_ok = (_match_as_slice(self.verb_re, masked, _after_spaces(masked, end))[0] is not None
                             or (_PUNCT_OR_END.match(masked, end)
                                 and w.verb_end_re.search(masked[max(0, start - 30):start])))
                if not single_ok:
                    continue
                name = by_last_word.get(name, name)  # a surname alone takes the full name used earlier ("Watanabe")
            if self._is_dateline(start, end):  # read last: most matches fail the cheaper tests above
                continue
            out.append(_Candidate(start, end, name, "", "unknown", "name"))
            by_last_word[name.split()[-1]] = name
        return out

    def _institution_anaphors(self) -> None:
        """A bare institution noun refers back to the institution named before it: "The UAE Ministry
        of Foreign Affairs welcomed ... the ministry stressed '...'" (nouns: ``institution_anaphor``
        in ``data/speech_cues.csv``; the nearest earlier institution whose name holds the noun, or
        organisation whose description in ``data/actors.csv`` does: "NATO ... the alliance said")."""
        nouns = self.cues["institution_anaphor"]
        if not nouns:
            return
        described = self._descriptions
        for m in _finditer_at(self.words.anaphor_re, self.masked, self._the):
            a, b = m.span()
            if self.masked[a] == MASK or self._overlapping(a, b):
                continue
            word = " ".join(m.group(1).lower().split())
            noun = _rx(r"(?<![\w])" + re.escape(word) + r"(?![\w])")
            if described is None:  # the gazetteer's descriptions, read only when a bare noun occurs
                described = _descriptions_of(self._actors)
            earlier = [c for c in self.candidates if c.end <= a and a - c.end < 1500 and (
                (c.speaker_type == "group" and noun.search(c.speaker.lower()))
                or (c.speaker_type == "organisation" and noun.search(described.get(c.actor, ""))))]  # NATO: "North Atlantic alliance"
            if earlier:
                e = max(earlier, key=lambda c: c.end)
                self.candidates.append(_Candidate(a, b, e.speaker, e.actor, "group", "name", "", self.masked[b:b + 2] in ("'s", "\u2019s")))
        self.candidates.sort(key=lambda c: c.start)

    def _oblique(self, c: _Candidate) -> bool:
        """A mention governed by a preposition, over the title words before the name: "held a
        meeting with the President of the French Republic Emmanuel Macron". A bare title ("the Head
        of State noted") or an office ("In the Office of the President they said") refers to the
        holder named as a subject before such a mention (salience: subjects outrank obliques)."""
        a, _ = self.sentence_of(c.start)
        before = re.sub(r"(?:(?:[A-Z][\w'\u2019.-]*|of|the)\s+)*$", "", self.masked[a:c.start]).split()
        return bool(before) and before[-1].lower().strip(",") in _PREPOSITIONS

    def _is_dateline(self, start: int, end: int) -> bool:
        """A dateline opening a paragraph is a place, not a speaker, and so is the agency named in
        it: "ABU DHABI: The ministry welcomed ...", "MOSCOW/PARIS, Jan 6 (Harbour Wire) - ...", "BEIJING,
        Jan. 7 -- ..." (a run of capitals followed by a colon, or by a comma and a date, a
        bracketed agency and a dash)."""
        para = self.text.rfind("\n", 0, start) + 1
        key = ("dateline", para)  # the dateline of a paragraph is read once, not for each name in it
        end = self._memo.get(key)
        if end is None:
            m = _rx(r"[A-Z][A-Z .'/-]*[A-Z](?::|,[^\n:()]{0,30}?(?:\([^()\n]{1,40}\))?\s*(?:--?|[\u2014\u2013])\s|\s*\([^()\n]{1,40}\)\s*(?:--?|[\u2014\u2013])\s)").match(self.text, para)
            end = self._memo[key] = m.end() if m is not None else -1
        return start < end

    # -- helpers -----------------------------------------------------------------------------
    def sentence_of(self, pos: int) -> tuple[int, int]:
        if self._sentence_starts is not None:  # sorted and not overlapping: the one sentence that can hold pos
            k = bisect.bisect_right(self._sentence_starts, pos) - 1
            if k >= 0 and pos < self.sentences[k][1]:
                return self.sentences[k]
            return (self.sentences[-1] if self.sentences else (0, len(self.text)))
        for a, b in self.sentences:
            if a <= pos < b:
                return a, b
        return (self.sentences[-1] if self.sentences else (0, len(self.text)))

    def starting_from(self, a: int) -> Iterator[_Candidate]:
        """The candidates in reading order, less those that start before ``a`` (all of them while
        the candidates are still being found)."""
        if self._index is None:
            return iter(self.candidates)
        return itertools.islice(self.candidates, bisect.bisect_left(self._index[0], a), None)

    def starting_in(self, a: int, b: int) -> Iterator[_Candidate]:
        """The candidates with ``a <= start < b``, in the order of :meth:`starting_from`: the
        slice of the index between the two bisections once the candidates are final (in
        reading order), a filter of all of them before. The attribution rules look at the
        candidates between a sentence's start and a quotation's opening mark, and need not
        read on to the end of the document."""
        if self._index is None:
            return (c for c in self.candidates if a <= c.start < b)
        starts = self._index[0]
        return itertools.islice(self.candidates, bisect.bisect_left(starts, a), bisect.bisect_left(starts, b))

    def candidate_at(self, start: int) -> _Candidate | None:
        if self._index is not None:
            return self._index[1].get(start)
        return next((c for c in self.candidates if c.start == start), None)

    def candidate_ending(self, end: int) -> _Candidate | None:
        if self._index is not None:
            return self._index[2].get(end)
        return next((c for c in self.candidates if c.end == end and not c.possessive), None)

    def subject(self, a: int, b: int, *, people_only: bool = True) -> _Candidate | None:
        """The first candidate in ``[a, b)`` not governed by a preposition (a rough subject)."""
        for c in self.starting_from(a):
            if c.start >= b and self._index is not None:
                return None  # in reading order: this and every later candidate ends after b
            if c.start < a or c.end > b or c.possessive:
                continue
            if people_only and c.speaker_type in ("country", "organisation"):
                continue
            before = self.masked[a:c.start].split()
            if before and before[-1].lower().strip(",") in _PREPOSITIONS:
                continue
            if c.speaker_type in ("unnamed", "group"):  # "The foreign policy spokesman of the Greens, Tobias Kellner, said"
                named = next((o for o in self.starting_from(c.start + 1) if o.start > c.start and o.speaker_type in ("person", "unknown")
                              and o.end <= b and re.fullmatch(r"[^,\u2588]*,\s*", self.masked[c.end:o.start])
                              and _rx(r"\s*,").match(self.masked, o.end)), None)
                if named is not None:
                    return named
            return c
        return None

    def resolve(self, c: _Candidate, pos: int) -> _Candidate | None:
        """Resolve a pronoun to the nearest person named before ``pos`` outside quotes, and a
        definite role noun ("the diplomat noted", "the source added") to the nearest earlier
        mention of the same source or, for a person's role, the nearest earlier person."""
        if c.speaker_type == "unnamed" and c.speaker.split()[-1].lower() in self.cues["document_noun"]:
            by = _rx(r"\s+(?:from|by|of|issued\s+by)\s+").match(self.masked, c.end)
            if by:  # "a statement from the Élysée" speaks for the Élysée
                owner = self.candidate_at(by.end())
                if owner is not None and owner.speaker_type in ("group", "person", "unknown", "country"):
                    if owner.speaker_type == "country":
                        name = f"government of {owner.actor}"
                        return _Candidate(owner.start, owner.end, name, name, "group", owner.how)
                    return owner
            head = re.sub(r"^(?:[Aa]n?|[Tt]he)\s+", "", c.speaker).rsplit(" ", 1)[0] if " " in c.speaker else ""
            head = re.sub(r"['\u2019]s$", "", head)  # "The Kremlin's readout"
            owner = next((self.words.inst_names[k] for k in (head, "the " + head) if k in self.words.inst_names), None)
            if owner is not None:  # "a Downing Street readout said", "Élysée statement:": the institution speaks
                return _Candidate(c.start, c.end, owner[0], owner[0], "group", "name")
        if c.speaker_type == "unnamed" and re.fullmatch(r"(?:the|The)\s+\d{2}-year-old", c.speaker):
            subject = self._subject_antecedent(_Candidate(c.start, c.end, "he", "", "pronoun", "pronoun"), c.start)
            if subject is not None and subject.speaker_type == "person":
                return _Candidate(c.start, c.end, subject.speaker, subject.actor, subject.speaker_type, "title", subject.gender)
            spoke = [p for p in self.speakers if p.start < c.start and p.speaker_type == "person"]
            people = spoke or [o for o in self.candidates if o.end <= c.start and o.speaker_type == "person" and not o.possessive]
            if people:
                p = people[-1]
                return _Candidate(c.start, c.end, p.speaker, p.actor, p.speaker_type, "title", p.gender)
            return c
        if c.speaker_type == "unnamed":
            m = re.fullmatch(r"(?:the|The)\s+(?:([A-Z][\w.'-]*)\s+)?([A-Za-z]+)", c.speaker)
            noun = m.group(2).lower() if m else ""  # "the Minister stressed" as "the minister stressed"
            noun = noun if noun in self.cues["source_noun"] else (m.group(2) if m else "")
            if noun in self.cues["source_noun"]:
                earlier = [o for o in self.candidates if o.end <= c.start and c.start - o.end < 1500]
                same = [o for o in earlier if o.speaker_type == "unnamed" and o is not c
                        and re.search(r"(?<![\w])" + noun + r"(?![\w])", o.speaker) and not o.speaker.startswith(("the ", "The "))]
                if same:
                    return same[-1]
                if noun in self.cues["role_noun"]:
                    def named(o: _Candidate) -> bool:  # a known person, or a full name the report introduces
                        return o.speaker_type == "person" or (o.speaker_type == "unknown" and len(o.speaker.split()) >= 2)
                    spoke = [p for p in self.speakers if p.start < c.start and c.start - p.end < 1500 and named(p)]
                    mentioned = [o for o in earlier if named(o) and not o.possessive]
                    people = spoke or mentioned
                    # the person introduced with that role or its modifier: "Foreign Ministry spokesperson Mao
                    # Ning ... the spokesperson added", "Kremlin press secretary Dmitry Peskov ... the Kremlin
                    # official said" name that person even when someone else spoke in between
                    role = _rx(r"(?<![\w])(?i:" + "|".join(re.escape(w) for w in (m.group(1), noun) if w) + r")(?![\w])")
                    intro = [p for p in sorted(spoke + mentioned, key=lambda o: o.start) if any(o.speaker == p.speaker and o.start < c.start and (
                        role.search(self.masked[max(0, o.start - 40):o.start]) or
                        role.search(re.split(r"[.;\n\u2588]", self.masked[o.end:o.end + 60])[0])) for o in self.candidates)]
                    people = intro or people
                    if people:
                        p = people[-1]
                        return _Candidate(c.start, c.end, p.speaker, p.actor, p.speaker_type, "title", p.gender)
            return c
        if c.speaker_type != "pronoun":
            return c
        if c.gender == "neuter":  # "The European Commission said ... it added": the nearest institution before
            for other in reversed(self.candidates):
                if other.start < pos and other.speaker_type in ("group", "organisation") and pos - other.end < 600 and not other.possessive:
                    return _Candidate(c.start, c.end, other.speaker, other.actor, other.speaker_type, "pronoun")
            return None
        if c.gender == "plural":  # "Sources in the President's Office said ... They added: '...'"
            for other in reversed(self.candidates):
                if other.start < pos and other.speaker_type in ("unnamed", "group") and pos - other.end < 600 and not other.possessive:
                    return _Candidate(c.start, c.end, other.speaker, other.actor, other.speaker_type, "pronoun")
            return None
        subject = self._subject_antecedent(c, pos)
        if subject is not None:
            return _Candidate(c.start, c.end, subject.speaker, subject.actor, subject.speaker_type, "pronoun", subject.gender)
        for other in reversed(self.candidates):
            if other.start >= pos or other.speaker_type not in ("person", "unknown") or other.possessive:
                continue
            if c.gender and other.gender and other.gender != c.gender:
                continue
            return _Candidate(c.start, c.end, other.speaker, other.actor, other.speaker_type, "pronoun", other.gender)
        return None

    def _subject_antecedent(self, c: _Candidate, pos: int) -> _Candidate | None:
        """Subject preference: a pronoun whose own sentence names nobody before it refers to the
        subject of the sentence before ("Zelensky said he had discussed it with Fidan. The Turkish
        diplomat, he said, had been \u201ca reliable partner\u201d": he is Zelensky, not Fidan)."""
        a, _ = self.sentence_of(pos)
        if any(o.speaker_type in ("person", "unknown") and a <= o.start < pos for o in self.candidates):
            return None  # the nearest name in the same sentence decides, as before
        pa, pb = self.sentence_of(_before_space(self, a))
        if pa >= a:
            return None
        for o in self.candidates:
            if o.start < pa or o.end > pb or o.possessive or o.speaker_type not in ("person", "unknown", "unnamed", "group"):
                continue
            before = self.masked[pa:o.start].split()
            if before and before[-1].lower().strip(",") in _PREPOSITIONS:
                continue
            if o.speaker_type in ("unnamed", "group"):
                # "The Prime Minister reiterated the UK's support. He said: ..." (a title nobody in the report holds)
                return o if o.how == "title" and o.speaker_type == "unnamed" else None
            if c.gender and o.gender and o.gender != c.gender:
                return None
            return o
        return None


_TITLE_WORDS = {n: re.compile(r"(?:[^\W\d_][\w.'\u2019-]*[ ]+){1,%d}" % n) for n in (4, 7)}  # title words before a name
_LEAD = re.compile(r"[ ,;\u2014\u2013-]*(?:(?:was|is)\s+how\s+(?=\S+(?:\s+\S+){0,4}\s+put\s+it))?")  # punctuation after a quotation


def _after_subject(doc: _Doc, pos: int) -> re.Match | None:
    """The reporting verb after a subject, over auxiliaries and an age ("Mr Starmer, 62, said")."""
    return doc.words.after_subject_re.match(doc.masked, pos)  # also a party after the name: "De Wever (N-VA) said"


def _after_title_words(doc: _Doc, pos: int, *, function_words: bool = False) -> _Candidate | None:
    """A person named after a few words of title at ``pos``: "MEA spokesperson Randhir Jaiswal",
    "Tory MP Richard Hawley" (the words before the name hold no verb or punctuation)."""
    # the first candidate starting in (pos, pos + 50] decides (candidates are in reading order)
    first = bisect.bisect_right(doc._index[0], pos) if doc._index is not None else 0
    for c in itertools.islice(doc.candidates, first, None):
        if c.start <= pos:
            continue
        if c.start > pos + 50:
            if doc._index is not None:
                return None  # in reading order: no later candidate starts in range either
            continue
        between = doc.masked[pos:c.start]
        if c.speaker_type in ("person", "unknown") and _TITLE_WORDS[7 if function_words else 4].fullmatch(between) \
                and not _rx(r"[.!?]\s").search(between) \
                and not doc.verb_re.search(between) and (function_words or not any(w.lower() in doc.stop for w in between.split())):
            return c
        return None
    return None


def _speaker_verb_at(doc: _Doc, pos: int) -> tuple[_Candidate, str] | None:
    """``SPEAKER VERB`` or ``VERB SPEAKER`` starting at ``pos`` (after punctuation)."""
    pos = _LEAD.match(doc.masked, pos).end()  # "'...' was how Meloni put it"
    c = doc.candidate_at(pos) or _after_title_words(doc, pos)
    if c is not None:
        m = _after_subject(doc, c.end)
        if m:
            return c, m.group(1)
    m, base = _match_as_slice(doc.words.verb_space_re, doc.masked, pos)  # the verb's look-behind sees no character before pos
    if m:
        c = doc.candidate_at(base + m.end()) or _after_title_words(doc, base + m.end())
        if c is not None and c.possessive:  # "said Ukraine's Zelensky"
            c = doc.candidate_at(c.end + 1) or c
        if c is not None and _rx(r"\s+(?:would|will|was|were|is|are|had|has|have|could|must|should|might|can)(?![\w-])").match(doc.masked, c.end):
            return None  # "calling the day 'historic,' said Copenhagen would contribute": the reported clause's subject
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
    # verb-after, directly; a quotation closing its own sentence after an introduction
    # ("Mr Macron said: \u201cEurope must act.\u201d Ms Kallas insisted ...") is not the next sentence's
    pre = doc.masked[s_start:open_at]
    found = _speaker_verb_at(doc, close_at)
    closes_sentence = _rx(r"[.!?]\W*$").search(doc.text[span["start"]:close_at]) is not None
    if found and not (closes_sentence and _rx(r"\w").search(pre.replace(MASK, ""))):
        c = found[0]
        if c.speaker_type == "unnamed" and c.speaker.split()[-1].lower() in doc.cues["document_noun"] \
                and doc.resolve(c, c.start).speaker_type == "unnamed":
            # "'...,' the statement read. ¶ Source: the Élysée": a label names the document's author
            label = _label_speaker(doc, s_start, s_end, open_at, close_at)
            if label is not None:
                return label, found[1], "label"
        return found[0], found[1], "verb-after"
    late = found if found and found[0].start < s_end else None
    # according to
    acc = _rx(r"(?=[AaPp])(?:(?i:according\s+to)|(?:^|(?<=,\s)|(?<=\())[Pp]er)\s+").search(doc.masked[s_start:s_end])  # "Per the Pentagon, ..."
    if acc:
        zone_start = s_start + acc.end()
        c = next((c for c in doc.starting_in(zone_start, zone_start + 80) if c.end <= s_end
                  and (c.speaker_type != "pronoun" or c.start == zone_start)), None)
        if c is not None:
            return c, " ".join(acc.group(0).lower().split()), "according-to"
    found = _impersonal_speaker(doc, s_start, s_end, open_at, close_at, para_start)
    if found is not None:
        return found[0], found[1], "impersonal"
    # a dash and a name after the quotation, ending the paragraph: "\u201c...\u201d \u2014 Volodymyr Zelensky"
    dash = _rx(r"[,.]?\s*[\u2014\u2013-]\s*").match(doc.masked, close_at)  # no look-behind, so no slice of the rest of the text
    if dash:
        c = doc.candidate_at(dash.end())
        if c is not None and c.speaker_type != "pronoun" and _rx(r"[\s.]*(?:$|\n|,\s)").match(doc.masked, c.end):
            return c, "", "label"
    # a label naming the speaker: "Quote from Macron: ...", "In the words of X, ...", "... Source: X"
    found = _label_speaker(doc, s_start, s_end, open_at, close_at)
    if found is not None:
        return found, "", "label"
    # a document as a label: "Downing Street readout: the prime minister '...'" (its author speaks)
    doc_label = doc.words.doc_label_re
    for c in doc.starting_in(s_start, open_at):
        if c.speaker_type in ("group", "person", "unknown") and not c.possessive:
            m = doc_label.match(doc.masked, c.end)
            if m and m.end() <= open_at:
                return c, m.group(1).lower(), "label"
        if c.speaker_type == "unnamed" and c.speaker.split()[-1].lower() in doc.cues["document_noun"] \
                and _rx(r"\s*:\s").match(doc.masked[c.end:open_at]) and getattr(doc.resolve(c, c.start), "speaker_type", "") == "group":
            return c, c.speaker.split()[-1].lower(), "label"  # "Élysée statement: ..." resolves to its author, "in a statement:" does not
    # colon
    if _rx(r":\s*$").search(pre):
        c = doc.subject(s_start, open_at)
        if c is None:  # "Macron's message was clear: ..."
            c = next((c for c in doc.starting_in(s_start, open_at) if c.possessive
                      and c.speaker_type in ("person", "unknown", "group")), None)
        if c is not None:
            verb = doc.verb_re.search(pre)
            return c, verb.group(1) if verb else "", "colon"
    # verb before
    verbs = list(doc.verb_re.finditer(pre))
    passive = doc.words.passive_re.search(pre)
    if passive:  # "the plan was described by Macron as '...'", "The deal, hailed by Zelensky as '...'"
        agent = _rx(r"\bby\s+").search(doc.masked[s_start + passive.start():s_end])
        if agent:
            at = s_start + passive.start() + agent.end()
            c = doc.candidate_at(at) or _after_title_words(doc, at)
            if c is not None:
                verb = doc.verb_re.search(pre[passive.start():])
                return c, verb.group(1) if verb else "", "verb-before"
    if verbs:
        v = verbs[-1]
        v_at = s_start + v.start()
        c = None
        if not v.group(1).endswith("ing"):
            before = doc.masked[s_start:v_at]
            who = _rx(r",\s*who\s+(?:(?:" + _AUX + r")\s+)*$").search(before)
            if who:  # "... was welcomed by Starmer, who called it '...'": the relative pronoun's antecedent
                before = before[:who.start()]
            unaided = _rx(r"(?:\s+(?:" + _AUX + r"))*\s*$").sub("", before)
            trimmed = _rx(r"(?:,[^,\u2588]*,\s*)$").sub("", unaided).rstrip()
            c = doc.candidate_ending(s_start + len(trimmed))
            if c is not None and (c.speaker_type in ("unnamed", "group") or doc._oblique(c)) and trimmed != unaided.rstrip():
                # apposition naming the role: "Japan's top government spokesman, Chief Cabinet Secretary
                # Minoru Kihara, said", "A spokesman for the Ukrainian president, Serhiy Nykyforov, said":
                # the named person speaks
                named = doc.candidate_ending(s_start + len(unaided.rstrip().rstrip(",").rstrip()))
                c = named if named is not None and named.speaker_type in ("person", "unknown") else c
            if c is not None and doc._oblique(c) and c.speaker_type not in ("pronoun",):
                # "The Kremlin's readout of a call with Washington, published later, said": the object
                # of a preposition is not the verb's subject
                c = doc.subject(s_start, v_at)
            if c is None:
                after = doc.candidate_at(v_at + len(v.group(0)) + 1)
                ok = after is not None and after.speaker_type != "pronoun" and \
                    _rx(r"\s*[,:]?\s*$").match(doc.masked[after.end:open_at])
                c = after if ok else None
        else:  # a participle with its own subject: "..., with spokeswoman Maria Zakharova labelling it '...'"
            c = doc.candidate_ending(s_start + len(doc.masked[s_start:v_at].rstrip(" ")))
            c = c if c is not None and c.speaker_type in ("person", "unknown") else None
        if c is None:
            earlier = [p for p in previous if p["kind"] == "speech" and p["_cand"] is not None and p["start"] >= s_start]
            c = earlier[-1]["_cand"] if v.group(1).endswith("ing") and earlier else doc.subject(s_start, v_at)
        if c is not None:
            return c, v.group(1), "verb-before"
    # verb after, later in the sentence
    tail = doc.masked[close_at:s_end]
    for m in _rx(r"[,\u2588]").finditer(tail):
        found = _speaker_verb_at(doc, close_at + m.end())
        if found:
            return found[0], found[1], "verb-after"
    # continuation: a quote that is its own sentence
    outside = doc.masked[s_start:open_at] + doc.masked[close_at:s_end]
    if not _rx(r"\w").search(outside.replace(MASK, "")):
        c = _stance_subject(doc, s_start)
        if c is not None:
            return c, "", "sentence-before"
        speech = [p for p in previous if p["kind"] == "speech" and p["_cand"] is not None]
        if speech and doc.text.count("\n\n", speech[-1]["end"], open_at) <= 1:
            return speech[-1]["_cand"], "", "continuation"
        prev_sentence = doc.sentence_of(_before_space(doc, s_start))
        c = doc.subject(*prev_sentence) if prev_sentence[0] < s_start else None
        if c is not None and c.speaker_type in ("person", "unknown"):
            return c, "", "continuation"
    if late:
        return late[0], late[1], "verb-after"
    # "For Macron, this is '...'": a sentence opened by "For" + a person
    opener = _rx(r"\s*For\s+").match(doc.masked[s_start:open_at])
    if opener:
        c = doc.candidate_at(s_start + opener.end())
        if c is not None and c.speaker_type in ("person", "unknown") and _rx(r"\s*,").match(doc.masked, c.end):
            return c, "", "label"
    # a fragment in a sentence whose subject is a pronoun for the last speaker of the paragraph:
    # "A deployment he did not rule out, but it is '...'"
    speech = [p for p in previous if p["kind"] == "speech" and p["_cand"] is not None]
    if speech and "\n" not in doc.text[speech[-1]["end"]:open_at].strip("\n"):
        last = speech[-1]["_cand"]
        for c in doc.starting_in(s_start, open_at):
            if c.speaker_type == "pronoun" and c.gender in ("male", "female"):
                r = doc.resolve(c, c.start)
                if r is not None and r.actor and r.actor == last.actor:
                    return last, "", "continuation"
    return None, "", ""


def _impersonal_speaker(doc: _Doc, s_start: int, s_end: int, open_at: int, close_at: int,
                        para_start: int) -> tuple[_Candidate, str] | None:
    """An institution speaking in the impersonal voice of translated copy (French "on souligne à
    Matignon", German "aus dem Kanzleramt hieß es", Russian and Ukrainian "в Офисе Президента
    отмечают"): "At Matignon, it is underlined that ... '...'", "From the Chancellery it was said
    that '...'", "In the Kremlin they noted '...'"; and after the quotation, "'...', — it is said in
    the message", which goes to the institution named before it in the paragraph."""
    place = _rx(r"(?:^|[\s,])(?:[Aa]t|[Ii]n|[Ff]rom)\s+$")
    for c in doc.starting_in(s_start, open_at):
        if c.speaker_type == "group" and place.search(doc.masked[s_start:c.start]):
            m = doc.words.impersonal_before_re.match(doc.masked, c.end)
            if m and m.end() <= open_at:
                return c, m.group(1)
    m = doc.words.impersonal_after_re.match(doc.masked, close_at)
    if m and m.group(0).lstrip(" ,.;\u2014\u2013-").startswith("it") and m.end() <= max(s_end, close_at) + 40:
        groups = [c for c in doc.starting_in(para_start, open_at) if c.speaker_type == "group" and not c.possessive]
        if groups:
            return groups[-1], m.group(1)
    return None


def _before_space(doc: _Doc, pos: int) -> int:
    """The last non-space offset before ``pos`` (the end of the sentence before)."""
    pos -= 1
    while pos > 0 and doc.text[pos].isspace():
        pos -= 1
    return max(pos, 0)


def _stance_subject(doc: _Doc, s_start: int) -> _Candidate | None:
    """The speaker named in the sentence before a quotation standing alone, when that sentence
    has no quotation of its own and its subject is followed by a verb of speaking or stance:
    "Starmer echoed the call for a ceasefire. \u201cWe must seize this moment.\u201d"""
    a, b = doc.sentence_of(_before_space(doc, s_start))
    if a >= s_start or MASK in doc.masked[a:b]:
        return None
    c = doc.subject(a, b)
    if c is None or c.speaker_type not in ("person", "unknown", "pronoun", "group"):
        return None
    verb = doc.words.stance_after_re.match(doc.masked[c.end:b])
    if verb is None:
        return None
    return doc.resolve(c, c.start)


def _label_speaker(doc: _Doc, s_start: int, s_end: int, open_at: int, close_at: int) -> _Candidate | None:
    """The speaker named by a label in the quote's sentence or paragraph, or in a "Source:" line
    right after it: "Quote from Macron: '...'", "In the words of Ana Gil, '...'", "'...' Source: the Élysée"."""
    para_end = doc.text.find("\n", close_at)
    para_end = len(doc.text) if para_end < 0 else para_end
    next_start = para_end
    while doc.text[next_start + 1:next_start + 2] == "\n":  # a "Source:" paragraph after a blank line
        next_start += 1
    after_end = doc.text.find("\n", next_start + 1)
    after_end = len(doc.text) if after_end < 0 else after_end
    zones = [(s_start, open_at), (close_at, max(s_end, para_end))]
    nxt = doc.text[next_start:after_end].strip()
    para_start = doc.text.rfind("\n", 0, open_at) + 1
    if nxt and doc.words.label_re.match(nxt) and len(nxt.split()) <= 12 and (
            next_start == para_end or  # else only for the quotation alone in its paragraph
            not _rx(r"\w").search((doc.masked[para_start:open_at] + doc.masked[close_at:para_end]).replace(MASK, ""))):
        zones.append((next_start, after_end))  # after a blank line, only for a paragraph that is the quotation alone
    for m in _rx(r"(?=[Ii])(?<![\w])[Ii]n\s+").finditer(doc.masked, s_start, open_at):  # "In Merz's words, '...'"
        c = doc.candidate_at(m.end())
        if c is not None and c.possessive and _rx(r"\s+(?:own\s+)?words(?![\w])").match(doc.masked, c.end) \
                and c.speaker_type in ("person", "unknown", "group"):
            return c
    for n, (a, b) in enumerate(zones):
        if not doc.may_hold_label(a, b):
            continue
        for m in doc.words.label_re.finditer(doc.masked, a, b):
            if n == 1 and not _rx(r"[\s,;.\u2014\u2013-]*").fullmatch(doc.masked[close_at:m.start()]):
                continue  # after the quotation, a label follows the closing mark: "\u201c...\u201d, so Merz."
            if m.group(0).strip().lower() == "so" and n != 1:
                continue
            pos = m.end()
            pronoun = _rx(r"\b(he|his|she|her)\b").search(m.group(0).lower())
            if pronoun:  # "In his words, '...'", "as she put it"
                gender = "male" if pronoun.group(1) in ("he", "his") else "female"
                c = doc.resolve(_Candidate(m.start(), m.end(), pronoun.group(1), "", "pronoun", "pronoun", gender), m.start())
                if c is not None:
                    return c
                continue
            if m.group(0).rstrip().lower() in ("source", "sources") and ":" not in m.group(0):
                continue  # "sources said" is an unnamed source, not a label
            c = next((c for c in doc.starting_in(pos, pos + 5) if c.end <= b), None)
            if c is None:
                c = _after_title_words(doc, pos, function_words=True)
                c = c if c is not None and c.end <= b else None
            if c is not None:
                return c
    return None


_QUOTE_CHARS = "\"\u201c\u201d\u00ab\u00bb"  # removed by _norm
_NOT_WORD_CHARS = MASK + "\u2014\u2013\u2026\u00a0"  # common characters outside [\w' -]: _norm makes them spaces
_NOT_WORD_BYTES = bytes.maketrans(bytes(c for c in range(128) if not re.match(r"[\w' -]", chr(c))),
                                  b" " * sum(1 for c in range(128) if not re.match(r"[\w' -]", chr(c))))
assert not any(re.match(r"[\w' -]", c) for c in _NOT_WORD_CHARS)


@lru_cache(maxsize=4096)  # a document's masked text is normalised once, not once per short quote
def _norm(text: str) -> str:
    """Text reduced for comparing quotations and terms: NFKC, curly apostrophes straight, quote
    marks removed, lower case, every character outside ``[\\w' -]`` a space, spaces collapsed.

    The characters outside the class become spaces by :meth:`str.replace` for a few common ones
    and a byte table for ASCII text; in a long text that is still not ASCII (a document's) by a
    table of the class over its code points (``speakers._class_table``); else by the regular
    expression (a run of spaces or one space: the same words once spaces are collapsed).

    >>> _norm("The \u201cpeace plan\u201d \u2014 Macron\u2019s \u00abre-set\u00bb, 2025!"), _norm("\u00c9lys\u00e9e\u2026 says")
    ("the peace plan macron's re-set 2025", '\u00e9lys\u00e9e says')
    """
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    for ch in _QUOTE_CHARS:
        if ch in text:
            text = text.replace(ch, "")
    text = text.lower()
    for ch in _NOT_WORD_CHARS:
        if ch in text:
            text = text.replace(ch, " ")
    if text.isascii():
        text = text.encode("ascii").translate(_NOT_WORD_BYTES).decode("ascii")
    else:
        codes = _code_points(text) if len(text) >= 256 else None
        if codes is not None and codes.max() < 0x10000:
            codes = codes.copy()
            codes[~_class_table(_NORM_KEPT)[codes]] = 32
            text = codes.tobytes().decode("utf-32-le", "surrogatepass")
        else:
            text = _rx(r"[^\w' -]+").sub(" ", text)
    return " ".join(text.split())


#: the characters :func:`_norm` keeps (the others become spaces)
_NORM_KEPT = r"[\w' -]+"


def _is_heading(doc: _Doc, pos: int) -> bool:
    """Whether the paragraph holding ``pos`` is a heading (the headline, or a short line with no
    closing mark and no reporting verb); decided once per paragraph (remembered in
    ``doc._memo`` by its start: the paragraph, and so the answer, is the same for every
    quotation in it)."""
    a = doc.text.rfind("\n", 0, pos) + 1
    key = ("heading", a)
    if key not in doc._memo:
        doc._memo[key] = _paragraph_is_heading(doc, a, doc.text.find("\n", pos))
    return doc._memo[key]


def _paragraph_is_heading(doc: _Doc, a: int, b: int) -> bool:
    para = doc.text[a: b if b >= 0 else len(doc.text)].strip()
    bare = para.strip("\"'\u201c\u201d\u2018\u2019 ")
    last = b >= doc._text_end if b >= 0 else True  # only spaces after the paragraph
    if a == 0 and not last and len(para.split()) <= 20 and not _rx(r"[.!?]$").search(bare):
        return True  # the headline: the document's first line, with no closing full stop
    return (len(para.split()) <= 12 and not _rx(r"[.!?:;,]$").search(bare) and not last
            and not doc.verb_re.search(doc.masked[a: b if b >= 0 else len(doc.text)]))


def _prepared_documents(corpus: pd.DataFrame, data_dir: Path | str | None, actors: pd.DataFrame | None,
                        titles: pd.DataFrame | None) -> tuple[Lexicon, Iterator[tuple[list[tuple[int, int]], _Doc]]]:
    """The lexicon, and each document prepared for attribution with its sentence spans."""
    from corpus_tools.resources import load_abbreviations
    from corpus_tools.tokens import _sentence_spans

    directory = _data_dir(data_dir)
    abbreviations = load_abbreviations(directory)  # once per call: tokens.sentence_spans would read it per document
    stamp = None
    if actors is None and titles is None:  # the data directory's own tables: compiled once per process
        stamp = resource_stamp(directory)
        actors, titles, lexicon, cues, stop, words = _default_resources(stamp)
    else:
        actors = load_actors(directory) if actors is None else actors
        titles = load_titles(directory) if titles is None else titles
        lexicon = build_lexicon(actors, titles)
        cues, stop = load_speech_cues(directory), load_stopwords(directory)
        words = _build_words(directory, titles, cues)
    dates = document_dates(corpus, directory)
    date_of = dates.to_dict().get if dates.index.is_unique else dates.get  # a dict look-up, not a Series look-up per document

    def documents() -> Iterator[tuple[list[tuple[int, int]], _Doc]]:
        for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
            spans = list(_sentence_spans(text, abbreviations))  # tokens.sentence_spans(text, data_dir=directory)
            when = date_of(doc_id)
            if stamp is None:
                yield spans, _Doc(doc_id, text, when, lexicon, actors, cues, stop, spans, words)
            else:
                day = None if _missing_date(when) else pd.Timestamp(when).date()
                yield spans, _shared_doc(doc_id, text, day, tuple(spans), stamp).fresh()

    return lexicon, documents()


@lru_cache(maxsize=256)  # a pipeline batch (100, or 200 in benchmarks/run.py): its quotes and indirect stages share each document
def _shared_doc(doc_id: str, text: str, day, spans: tuple, stamp: tuple) -> "_Doc":
    """A document prepared for attribution with the data directory's own tables, remembered for
    the next stage that reads it (callers take :meth:`_Doc.fresh` copies; nothing after
    preparation changes a document but its list of speakers)."""
    actors, _titles, lexicon, cues, stop, words = _default_resources(stamp)
    return _Doc(doc_id, text, day, lexicon, actors, cues, stop, list(spans), words, _default_genders(stamp),
                _default_descriptions(stamp))


@lru_cache(maxsize=4)
def _default_genders(stamp: tuple) -> dict:
    """Each actor's gender in the data directory's ``actors.csv`` (read-only for its users)."""
    actors = _default_resources(stamp)[0]
    return dict(zip(actors["actor"], actors["gender"]))


def _descriptions_of(actors: pd.DataFrame) -> dict:
    """Each actor's description (``role`` in ``actors.csv``), lower-cased, for the institution
    anaphors ("NATO ... the alliance said"); empty when the table has no ``role``."""
    return dict(zip(actors["actor"], actors["role"].fillna("").str.lower())) if "role" in actors else {}


@lru_cache(maxsize=4)
def _default_descriptions(stamp: tuple) -> dict:
    """:func:`_descriptions_of` the data directory's ``actors.csv`` (read-only for its users): read
    once per process, not in each document with a bare institution noun."""
    return _descriptions_of(_default_resources(stamp)[0])


@lru_cache(maxsize=4)
def _default_resources(stamp: tuple) -> tuple:
    """Actors, titles, lexicon, cues, stopwords and word tables of one data directory, keyed by
    :func:`corpus_tools.resources.resource_stamp` (treated as read-only by their users)."""
    directory = Path(stamp[0])
    actors, titles = load_actors(directory), load_titles(directory)
    cues = load_speech_cues(directory)
    return actors, titles, build_lexicon(actors, titles), cues, load_stopwords(directory), _build_words(directory, titles, cues)


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
        starts = doc._sentence_starts if doc._sentence_starts is not None and list(spans_s) == doc.sentences else None
        done: list[dict] = []
        scare_terms: set[str] = set()
        for n, span in enumerate(doc.spans, start=1):
            qtext = text[span["start"]:span["end"]]
            key = _norm(qtext)
            n_words = len(re.findall(r"\w+(?:['-]\w+)*", qtext))
            row = {"doc_id": doc_id, "quote_id": f"q{n:02d}", "start": span["start"], "end": span["end"], "text": qtext,
                   "speaker": "", "actor": "", "verb": "", "stance": "", "how_attributed": "", "speaker_type": "",
                   "n_words": n_words, "_cand": None, "_span": span}
            row["sent_id"] = _sentence_number(starts, spans_s, span["start"])
            if _is_heading(doc, span["start"]):
                row["kind"] = "heading"
                done.append(row)
                continue
            cand, verb, how = _attribute(doc, span, done)
            resolved = doc.resolve(cand, cand.start) if cand is not None else None
            if resolved is not None and resolved.speaker_type == "country":  # "Russia has repeatedly said"
                name = f"government of {resolved.actor}"
                resolved = _Candidate(resolved.start, resolved.end, name, name, "group", resolved.how)
            if resolved is not None:
                doc.speakers.append(resolved)
                row["_cand"] = resolved
                row.update(speaker=resolved.speaker, actor=resolved.actor, verb=verb,
                           speaker_type=resolved.speaker_type if resolved.speaker_type != "pronoun" else "")
                row["how_attributed"] = "pronoun" if resolved.how == "pronoun" and how != "continuation" else \
                    "title" if resolved.how == "title" and how != "continuation" else how
            row["stance"] = doc.words.stances.get(row["verb"], "")
            row["_span"] = span
            row["kind"] = "speech" if _is_speech(doc, span, key, n_words, resolved, names, scare_terms, max_scare_words) else "scare"
            if row["kind"] == "scare":
                scare_terms.add(key)
                row.update(speaker="", actor="", verb="", stance="", how_attributed="", speaker_type="", _cand=None)
            done.append(row)
        _multi_paragraph(doc, done)
        rows.extend(done)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    out = out[QUOTE_COLUMNS].astype({"sent_id": "int64", "start": "int64", "end": "int64", "n_words": "int64"})
    return out.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def _sentence_number(starts: list[int] | None, spans: list[tuple[int, int]], pos: int) -> int:
    """The number (from 1) of the first sentence of ``spans`` holding ``pos``, else their count;
    by bisection in ``starts`` (the sentences' starts, given when they are in order and do not
    overlap: then only the last sentence starting at or before ``pos`` can hold it).

    >>> spans = [(0, 4), (5, 9), (10, 16)]
    >>> [_sentence_number([0, 5, 10], spans, p) for p in (0, 4, 5, 12, 16)], [_sentence_number(None, spans, p) for p in (0, 4, 5, 12, 16)]
    ([1, 3, 2, 3, 3], [1, 3, 2, 3, 3])
    """
    if starts is None:
        return next((i for i, (a, b) in enumerate(spans, start=1) if a <= pos < b), len(spans))
    k = bisect.bisect_right(starts, pos) - 1
    return k + 1 if k >= 0 and pos < spans[k][1] else len(spans)


def _multi_paragraph(doc: _Doc, rows: list[dict]) -> None:
    """A quotation over several paragraphs: each paragraph opens with a mark and only the last
    closes, with the attribution ("\u201cWe came to work. \u00b6 \u201cAnd we will stay,\u201d she said.").
    The open paragraphs take the speaker named at the end."""
    for i in range(len(rows) - 2, -1, -1):
        row, nxt = rows[i], rows[i + 1]
        span, nspan = row["_span"], nxt["_span"]
        if span["flag"] != "unclosed" or row["kind"] != "speech" or nxt["kind"] != "speech" or nxt["_cand"] is None:
            continue
        if row["how_attributed"] not in ("", "continuation") or nspan["open"] < 0:
            continue
        between = doc.text[span["end"]:nspan["open"]]
        if between.strip() or "\n" not in between:
            continue
        row.update({k: nxt[k] for k in ("speaker", "actor", "speaker_type", "_cand")})
        row.update(verb="", stance="", how_attributed="multi-paragraph")


def _holds_term(text: str, key: str) -> bool:
    r"""Whether ``key`` occurs in ``text`` neither after nor before a word character or a hyphen:
    ``re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", text)``, with :meth:`str.find`
    and the same tests at each occurrence instead of a pattern compiled for each key.

    >>> [_holds_term("the peace plan", k) for k in ("peace plan", "peace", "ace", "plan", "")]
    [True, True, False, True, False]
    >>> _holds_term("re-peace plan, peace plan", "peace plan"), _holds_term("peace planned", "peace plan")
    (True, False)
    """
    pos, n = text.find(key), len(key)
    while pos >= 0:
        if (pos == 0 or _WORD_OR_HYPHEN.match(text, pos - 1) is None) and _WORD_OR_HYPHEN.match(text, pos + n) is None:
            return True
        pos = text.find(key, pos + 1)
    return False


def _is_speech(doc: _Doc, span: dict, key: str, n_words: int, speaker, names: set, scare_terms: set,
               max_scare_words: int) -> bool:
    if term_key(doc.text[span["start"]:span["end"]]) in doc.words.domain_keys:
        return False  # the domain's own term in marks: "the 'coalition of willing'"
    open_at = span["open"] if span["open"] >= 0 else span["start"]
    before = doc.masked[max(0, open_at - 20):open_at].lower().split()
    if before and before[-1] in doc.cues["label_cue"]:
        return False
    if key in names or key in scare_terms:
        return False
    if 2 <= n_words <= 3 and _holds_term(_norm(doc.masked), key):
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
            if doc.masked.find("that", a, b) < 0:
                continue  # every match holds "that": a sentence without it has none
            for m in doc.words.indirect_re.finditer(doc.masked[a:b]):
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


def candidate_speakers(quotes_df: pd.DataFrame, indirect_df: pd.DataFrame | None = None, *,
                       data_dir: Path | str | None = None) -> pd.DataFrame:
    """Names that speak but are not in ``data/actors.csv``: ``speaker, doc_id, n_quotes, n_indirect``.

    These are speakers of type ``unknown`` and people the document introduced with a title
    ("Belgian Prime Minister Bart De Wever", type ``person``) whose name the gazetteer lacks.

    Examples
    --------
    >>> q = pd.DataFrame({"doc_id": ["d1", "d1"], "speaker": ["Ana Gil", "Emmanuel Macron"],
    ...                   "speaker_type": ["unknown", "person"], "kind": ["speech", "speech"]})
    >>> candidate_speakers(q).values.tolist()
    [['Ana Gil', 'd1', 1, 0]]
    """
    frames = []
    known = None

    def new_names(df: pd.DataFrame) -> pd.Series:
        nonlocal known
        unknown = df["speaker_type"] == "unknown"
        if "actor" not in df or not (df["speaker_type"] == "person").any():
            return unknown
        known = set(load_actors(data_dir)["actor"]) if known is None else known
        return unknown | ((df["speaker_type"] == "person") & ~df["actor"].isin(known) & (df["actor"] != ""))

    q = quotes_df[new_names(quotes_df) & (quotes_df["kind"] == "speech")]
    frames.append(q.groupby(["speaker", "doc_id"]).size().rename("n_quotes"))
    if indirect_df is not None and len(indirect_df):
        i = indirect_df[new_names(indirect_df)]
        frames.append(i.groupby(["speaker", "doc_id"]).size().rename("n_indirect"))
    out = pd.concat(frames, axis=1).fillna(0).reset_index() if any(len(f) for f in frames) else \
        pd.DataFrame(columns=["speaker", "doc_id", "n_quotes", "n_indirect"])
    for col in ("n_quotes", "n_indirect"):
        out[col] = out[col].astype("int64") if col in out else 0
    out = out[["speaker", "doc_id", "n_quotes", "n_indirect"]]
    return out.sort_values(["speaker", "doc_id"], kind="stable").reset_index(drop=True)


def unresolved_references(quotes_df: pd.DataFrame, *, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Speech rows whose speaker is still an honorific or a title, not a person: "Mr Tusk",
    "the PM", "the Belgian leader" with no ``actor``. Share of voice should count none of them
    when the document names the person; the rows left are people the document never names.

    Examples
    --------
    >>> q = pd.DataFrame({"doc_id": ["d"] * 3, "speaker": ["Mr Tusk", "the PM", "Keir Starmer"],
    ...                   "actor": ["", "", "Keir Starmer"], "kind": ["speech"] * 3})
    >>> unresolved_references(q)["speaker"].tolist()
    ['Mr Tusk', 'the PM']
    """
    from corpus_tools.speakers import load_honorifics, load_leader_nouns

    directory = _data_dir(data_dir)
    honorifics = _alt(load_honorifics(directory)["honorific"])
    nouns = _alt(load_leader_nouns(directory)["noun"])
    pattern = re.compile(r"^(?:(?:" + honorifics + r")\s+\S+|(?:the\s+)?(?:\S+\s+){0,2}(?i:" + nouns + r"))$", re.IGNORECASE)
    speech = quotes_df[(quotes_df["kind"] == "speech") & (quotes_df["actor"] == "")]
    return speech[speech["speaker"].map(lambda x: bool(pattern.match(x.strip())))].reset_index(drop=True)


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


SUITE_COLUMNS = ["doc_id", "file", "style", "outlet", "published", "meeting_id", "split"]


def load_style_suite(data_dir: Path | str | None = None, *, split: str | None = None,
                     folder: str = "style_suite") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The style suite (``data/annotations/style_suite/``): a corpus and its quote gold.

    The texts are read and cleaned exactly as :func:`corpus_tools.corpus.load_corpus` reads the
    real corpus (decoding, Unicode and punctuation normalisation, boilerplate rules, whitespace).
    Returns ``(corpus, gold)``: the corpus has ``doc_id, file, style, outlet, published,
    meeting_id, split, text_raw, text``; the gold has the columns of ``quotes_gold.csv``.
    ``split`` (``"tune"`` or ``"test"``) keeps one half. ``folder`` (under ``data/annotations/``)
    reads another set in the same format: ``"style_suite/probes"``, the construction probes written
    after the suite to develop rules (split ``probe``, not part of the suite's figures).

    Examples
    --------
    >>> corpus, gold = load_style_suite(split="tune")
    >>> sorted(set(corpus["split"])), len(corpus) >= 20, set(gold["doc_id"]) <= set(corpus["doc_id"])
    (['tune'], True, True)
    """
    from corpus_tools.corpus import decode_article
    from corpus_tools.clean import clean_text
    from corpus_tools.resources import load_boilerplate_rules

    directory = _data_dir(data_dir)
    suite = directory / "annotations" / folder
    manifest = read_table(suite / "manifest.csv", SUITE_COLUMNS, what="style suite manifest")
    if split is not None:
        if split not in set(manifest["split"]):
            raise CorpusError(f"{suite / 'manifest.csv'}: no report has split {split!r}; use one of {sorted(set(manifest['split']))}")
        manifest = manifest[manifest["split"] == split]
    corpus = manifest[SUITE_COLUMNS].copy().reset_index(drop=True)
    rules = load_boilerplate_rules(directory)
    raw = []
    for line, name in zip(corpus.index, corpus["file"]):
        path = suite / name
        if not path.is_file():
            raise CorpusError(f"{suite / 'manifest.csv'}: file {name!r} of {corpus.at[line, 'doc_id']} not found in {suite}")
        raw.append(decode_article(path.read_bytes(), name))
    corpus["published"] = pd.to_datetime(corpus["published"].replace("", None), format="%Y-%m-%d")
    corpus["text_raw"] = raw
    corpus["text"] = [clean_text(t, rules, doc_id=d)[0] for t, d in zip(raw, corpus["doc_id"])]
    gold = read_table(suite / "quotes_gold.csv", ["doc_id", "quote_id", "text", "kind", "speaker", "speaker_type", "construction"],
                      what="style suite gold")
    gold = gold[gold["doc_id"].isin(corpus["doc_id"])].reset_index(drop=True)
    return corpus, gold


def gold_sentences(gold: pd.DataFrame, corpus: pd.DataFrame, *, data_dir: Path | str | None = None) -> pd.Series:
    """The sentence (``sent_id``) of each gold quote in its cleaned document, found by reading order.

    Each gold text is searched in the cleaned text (after the same normalisation as
    :func:`match_quotes`) from the end of the previous quote of the document; 0 when not found.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["d"], "text": ["He said \u201cyes\u201d. Then \u201cno\u201d."]})
    >>> gold = pd.DataFrame({"doc_id": ["d", "d"], "text": ["yes", "no"]})
    >>> gold_sentences(gold, corpus).tolist()
    [1, 2]
    """
    from corpus_tools.clean import normalize_punctuation, normalize_unicode
    from corpus_tools.tokens import sentence_spans

    texts = dict(zip(corpus["doc_id"], corpus["text"]))
    spans = {d: sentence_spans(t, data_dir=data_dir) for d, t in texts.items()}
    out, cursor = [], {}
    for doc_id, text in zip(gold["doc_id"], gold["text"]):
        doc = texts.get(doc_id, "")
        needle = normalize_punctuation(normalize_unicode(text)).strip()
        at = doc.find(needle, cursor.get(doc_id, 0)) if needle else -1
        if at < 0 and needle:
            at = doc.find(needle)
        if at < 0:
            out.append(0)
            continue
        cursor[doc_id] = at + len(needle)
        out.append(next((i for i, (a, b) in enumerate(spans[doc_id], start=1) if a <= at < b), len(spans[doc_id])))
    return pd.Series(out, index=gold.index, name="sent_id", dtype="int64")


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def evaluate_by_sentence(predicted: pd.DataFrame, gold: pd.DataFrame, corpus: pd.DataFrame, *,
                         min_similarity: float = 0.8, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Quote F1, speaker accuracy and end-to-end F1 with quotes counted once per sentence and speaker.

    A split quotation ("\u201cA,\u201d he said, \u201cB.\u201d") is one unit: units are
    ``(doc_id, sent_id, speaker)`` on each side (speech only). Spans are matched as in
    :func:`match_quotes`; a gold unit is *found* when one of its quotes is matched by a predicted
    speech quote, and *right* when that quote's speaker is the gold speaker (:func:`same_speaker`).
    ``quote`` scores found units (precision over predicted units that match a gold speech quote);
    ``speaker_accuracy`` is right / found gold units; ``end_to_end`` scores right units. Each
    measure carries a Wilson 95% interval of its recall (or accuracy).

    Returns ``measure, n_predicted, n_gold, tp, precision, recall, f1, ci_low, ci_high``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["d"], "text": ["\u201cA b,\u201d X said, \u201cc d.\u201d \u201cE f,\u201d Y said."]})
    >>> p = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [1, 1, 2], "text": ["A b,", "c d.", "E f,"],
    ...                   "kind": ["speech"] * 3, "speaker": ["X", "X", "X"], "actor": ["", "", ""]})
    >>> g = pd.DataFrame({"doc_id": ["d"] * 3, "text": ["A b,", "c d.", "E f,"], "kind": ["speech"] * 3,
    ...                   "speaker": ["X", "X", "Y"]})
    >>> evaluate_by_sentence(p, g, corpus).set_index("measure")["tp"].to_dict()
    {'quote': 2, 'speaker_accuracy': 1, 'end_to_end': 1}
    """
    gold = gold.assign(sent_id=gold_sentences(gold, corpus, data_dir=data_dir))
    speech_g = gold[gold["kind"] == "speech"]
    pred = predicted[predicted["kind"] == "speech"]
    m = match_quotes(pred, speech_g, min_similarity=min_similarity)
    who = pred["actor"].where(pred["actor"] != "", pred["speaker"])
    g_unit = {j: (speech_g.at[j, "doc_id"], int(speech_g.at[j, "sent_id"]), _norm(speech_g.at[j, "speaker"])) for j in speech_g.index}
    p_unit = {i: (pred.at[i, "doc_id"], int(pred.at[i, "sent_id"]), _norm(who.at[i])) for i in pred.index}
    found, right, p_found, p_right = set(), set(), set(), set()
    for i, j in zip(m["pred_index"], m["gold_index"]):
        found.add(g_unit[j])
        p_found.add(p_unit[i])
        if same_speaker(who.at[i], speech_g.at[j, "speaker"]):
            right.add(g_unit[j])
            p_right.add(p_unit[i])
    n_gold, n_pred = len(set(g_unit.values())), len(set(p_unit.values()))
    rows = []
    for measure, tp_g, tp_p, base in (("quote", found, p_found, n_gold), ("speaker_accuracy", right, p_right, len(found)),
                                      ("end_to_end", right, p_right, n_gold)):
        recall = len(tp_g) / base if base else 0.0
        precision = len(tp_p) / n_pred if n_pred else 0.0
        if measure == "speaker_accuracy":
            precision = recall
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        low, high = _wilson(len(tp_g), base)
        rows.append({"measure": measure, "n_predicted": n_pred if measure != "speaker_accuracy" else len(found),
                     "n_gold": base, "tp": len(tp_g), "precision": round(precision, 4), "recall": round(recall, 4),
                     "f1": round(f1, 4), "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def errors_by_construction(predicted: pd.DataFrame, gold: pd.DataFrame, *, min_similarity: float = 0.8) -> pd.DataFrame:
    """Per gold ``construction`` (style suite): gold speech quotes, found, right speaker, accuracy.

    Columns: ``construction, n_gold, found, right, speaker_accuracy, ci_low, ci_high``, plus a
    row ``scare_as_speech`` counting predicted speech matched to a gold scare or heading.

    Examples
    --------
    >>> p = pd.DataFrame({"doc_id": ["d", "d"], "text": ["a b c", "d e f"], "kind": ["speech"] * 2,
    ...                   "speaker": ["X Y", "Q R"], "actor": ["", ""]})
    >>> g = pd.DataFrame({"doc_id": ["d", "d"], "text": ["a b c", "d e f"], "kind": ["speech"] * 2,
    ...                   "speaker": ["X Y", "Z W"], "construction": ["plain", "title"]})
    >>> errors_by_construction(p, g)[["construction", "found", "right"]].values.tolist()
    [['plain', 1, 1], ['title', 1, 0], ['scare_as_speech', 0, 0]]
    """
    m = match_quotes(predicted, gold, min_similarity=min_similarity)
    pred_of = dict(zip(m["gold_index"], m["pred_index"]))
    rows = []
    speech = gold[gold["kind"] == "speech"]
    for construction, part in speech.groupby("construction", sort=True):
        found = right = 0
        for j in part.index:
            i = pred_of.get(j)
            if i is None or predicted.at[i, "kind"] != "speech":
                continue
            found += 1
            right += same_speaker(predicted.at[i, "actor"] or predicted.at[i, "speaker"], gold.at[j, "speaker"])
        low, high = _wilson(right, found)
        rows.append({"construction": construction, "n_gold": len(part), "found": found, "right": int(right),
                     "speaker_accuracy": round(right / found, 4) if found else float("nan"), "ci_low": low, "ci_high": high})
    scare = sum(1 for j, i in pred_of.items() if gold.at[j, "kind"] != "speech" and predicted.at[i, "kind"] == "speech")
    rows.append({"construction": "scare_as_speech", "n_gold": int((gold["kind"] != "speech").sum()), "found": scare, "right": 0,
                 "speaker_accuracy": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")})
    return pd.DataFrame(rows)


def evaluate_style_suite(predicted: pd.DataFrame, gold: pd.DataFrame, corpus: pd.DataFrame, *,
                         min_similarity: float = 0.8, data_dir: Path | str | None = None) -> pd.DataFrame:
    """:func:`evaluate_by_sentence` on the whole style suite and on each ``split`` (tune, test).

    Columns: ``split`` then those of :func:`evaluate_by_sentence`; ``split`` is ``all``,
    ``tune`` or ``test``. The rules were tuned on ``tune`` only; ``test`` is the honest figure.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "split": ["tune", "test"],
    ...                        "text": ["\u201cYes we can,\u201d X said.", "\u201cNo we cannot,\u201d Y said."]})
    >>> p = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": [1, 1], "text": ["Yes we can,", "No we cannot,"],
    ...                   "kind": ["speech"] * 2, "speaker": ["X", "Q"], "actor": ["", ""]})
    >>> g = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Yes we can,", "No we cannot,"], "kind": ["speech"] * 2,
    ...                   "speaker": ["X", "Y"]})
    >>> ev = evaluate_style_suite(p, g, corpus)
    >>> ev[ev["measure"] == "speaker_accuracy"][["split", "tp", "n_gold"]].values.tolist()
    [['all', 1, 2], ['tune', 1, 1], ['test', 0, 1]]
    """
    frames = []
    for split in ("all", "tune", "test"):
        docs = set(corpus["doc_id"]) if split == "all" else set(corpus.loc[corpus["split"] == split, "doc_id"])
        if not docs:
            continue
        part = evaluate_by_sentence(predicted[predicted["doc_id"].isin(docs)], gold[gold["doc_id"].isin(docs)],
                                    corpus[corpus["doc_id"].isin(docs)], min_similarity=min_similarity, data_dir=data_dir)
        frames.append(part.assign(split=split))
    out = pd.concat(frames, ignore_index=True)
    return out[["split"] + [c for c in out.columns if c != "split"]]


def stance_counts(quotes_df: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Speech quotes per reporting-verb stance within each ``by`` group, with shares.

    Quotes with no reporting verb (continuations, labels, "according to") have stance
    ``none``. Columns: ``*by, stance, n_quotes, share``; the speaker is ``actor`` when known,
    else ``speaker``, in a column ``who`` when ``by`` names it.

    Examples
    --------
    >>> q = pd.DataFrame({"speaker": ["A", "A", "B"], "actor": ["A", "A", ""], "kind": ["speech"] * 3,
    ...                   "stance": ["neutral", "assertive", ""]})
    >>> stance_counts(q, by=["who"]).values.tolist()
    [['A', 'assertive', 1, 0.5], ['A', 'neutral', 1, 0.5], ['B', 'none', 1, 1.0]]
    """
    by = list(by or [])
    speech = quotes_df[quotes_df["kind"] == "speech"].copy()
    speech["who"] = speech["actor"].where(speech["actor"] != "", speech["speaker"]).replace("", "(unattributed)")
    speech["stance"] = speech["stance"].replace("", "none")
    out = speech.groupby(by + ["stance"]).size().rename("n_quotes").reset_index()
    totals = out.groupby(by)["n_quotes"].transform("sum") if by else out["n_quotes"].sum()
    out["share"] = (out["n_quotes"] / totals).round(4)
    return out.sort_values(by + ["stance"], kind="stable").reset_index(drop=True)
