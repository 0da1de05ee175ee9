"""Cleaning: ``str -> str`` normalisers and a boilerplate remover that reports what it removed.

The pipeline, :func:`clean_text`, runs on each raw article:

1. :func:`normalize_unicode` (NFC, odd spaces to plain spaces, zero-width characters removed);
2. :func:`normalize_punctuation` (apostrophes inside words become ``'``, spaced dashes become
   an em dash, hyphen look-alikes become ``-``; quotation marks are left alone);
3. :func:`remove_boilerplate`, driven by the rules in ``data/boilerplate.csv``;
4. :func:`collapse_whitespace` (one space between words, paragraphs separated by a blank line).

Every removal is one row of the audit: which rule, which raw line, which characters.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

AUDIT_COLUMNS = ["doc_id", "rule_id", "kind", "line_start", "line_end", "col_start", "col_end", "text"]

_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# Each pattern opens with a character, not a look-behind, so the engine can skip ahead to
# the candidates; the look-behind, checked after that character, is the same condition.
_APOSTROPHE_IN_WORD = re.compile(r"[\u2019\u02bc\u2032\u00b4`](?<=[^\W\d_][\u2019\u02bc\u2032\u00b4`])(?=[^\W\d_])")
_SPACED_DASH = re.compile(r" (?<=\S ) *(?:--|-|\u2013|\u2014|\u2015) +(?=\S)")
_DOUBLE_HYPHEN = re.compile(r"--(?<=\w--)(?=\w)")
_HYPHENS = re.compile(r"[\u2010\u2011\u2212]")


def normalize_unicode(text: str) -> str:
    """Compose to NFC, turn exotic spaces into plain spaces and drop invisible characters.

    Examples
    --------
    >>> normalize_unicode("Elyse\\u0301e\\u00a0Palace\\u200b")
    'Elysée Palace'
    """
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    return _INVISIBLE.sub("", text)


def normalize_punctuation(text: str) -> str:
    """Make apostrophes and dashes consistent; leave quotation marks as they are.

    An apostrophe between two letters becomes ``'``; a dash with spaces around it (``-``,
    ``--``, en or em dash) becomes `` — ``; non-breaking hyphens and minus signs become ``-``.
    Curly and straight quotation marks stay, since speaker analysis needs them.

    Examples
    --------
    >>> normalize_punctuation("Zelensky\\u2019s plan \\u2013 and \\u201cpeace\\u201d -- now")
    "Zelensky's plan — and \\u201cpeace\\u201d — now"
    >>> normalize_punctuation("a 30\\u2011day truce, \\u2018Progress\\u2019")
    'a 30-day truce, \\u2018Progress\\u2019'
    """
    text = _APOSTROPHE_IN_WORD.sub("'", text)
    text = _SPACED_DASH.sub(" \u2014 ", text)
    text = _DOUBLE_HYPHEN.sub("\u2014", text)
    return _HYPHENS.sub("-", text)


def collapse_whitespace(text: str) -> str:
    """One space between words, no blank space at line ends, one blank line between paragraphs.

    Examples
    --------
    >>> collapse_whitespace("  One  para.\\n\\n\\n\\nTwo\\t para. \\nThree.")
    'One para.\\n\\nTwo para.\\n\\nThree.'
    """
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _audit_row(doc_id: str, rule, line_start: int, line_end: int, col_start: int, col_end: int, text: str) -> dict:
    return {
        "doc_id": doc_id,
        "rule_id": rule.rule_id,
        "kind": rule.kind,
        "line_start": line_start,
        "line_end": line_end,
        "col_start": col_start,
        "col_end": col_end,
        "text": text,
    }


def remove_boilerplate(text: str, rules: pd.DataFrame | None = None, *, doc_id: str = "") -> tuple[str, pd.DataFrame]:
    """Remove outlet boilerplate line by line; return the kept text and the audit.

    ``rules`` is the table of :func:`corpus_tools.resources.load_boilerplate_rules` (loaded
    from ``data/`` when omitted). Line numbers in the audit are 1-based lines of ``text``;
    columns are 0-based character offsets within the line (``col_end`` exclusive). Lines are
    never renumbered: a removed line becomes empty, so the audit points into the raw file.

    Examples
    --------
    >>> kept, audit = remove_boilerplate("Support The Moscow Times!\\nLeaders met.\\nRead more")
    >>> kept
    '\\nLeaders met.\\n'
    >>> audit[["rule_id", "line_start", "text"]].values.tolist()
    [['support-banner', 1, 'Support The Moscow Times!'], ['read-more', 3, 'Read more']]
    """
    if rules is None:
        from corpus_tools.resources import load_boilerplate_rules

        rules = load_boilerplate_rules()
    kept, audit = _remove_boilerplate(text, _compiled_rules(rules), doc_id)
    table = pd.DataFrame(audit, columns=AUDIT_COLUMNS)
    table = table.sort_values(["doc_id", "line_start", "col_start"], kind="stable").reset_index(drop=True)
    return kept, table


def _compiled_rules(rules: pd.DataFrame) -> tuple:
    """The rules as ``(rule, pattern, end pattern)``, compiled once per distinct rules table."""
    key = tuple(tuple(row) for row in rules[["rule_id", "kind", "pattern", "end_pattern"]].itertuples(index=False, name=None))
    return _compile_rules(key)


@lru_cache(maxsize=16)
def _compile_rules(key: tuple) -> tuple:
    return tuple((_Rule(rule_id, kind, pattern, end), re.compile(pattern), re.compile(end or r"(?!)"))
                 for rule_id, kind, pattern, end in key)


@dataclass(frozen=True)
class _Rule:
    rule_id: str
    kind: str
    pattern: str
    end_pattern: str


def _remove_boilerplate(text: str, compiled: tuple, doc_id: str) -> tuple[str, list[dict]]:
    lines = text.split("\n")
    removed = [False] * len(lines)
    audit: list[dict] = []
    for rule, pattern, end_pattern in compiled:
        if rule.kind == "block":
            i = 0
            while i < len(lines):
                if not removed[i] and pattern.fullmatch(lines[i].strip()):
                    end = next((j for j in range(i, len(lines)) if end_pattern.fullmatch(lines[j].strip())), None)
                    if end is not None:
                        block = "\n".join(lines[i : end + 1])
                        audit.append(_audit_row(doc_id, rule, i + 1, end + 1, 0, len(lines[end]), block))
                        for j in range(i, end + 1):
                            removed[j] = True
                        i = end
                i += 1
        for i, line in enumerate(lines):
            if removed[i] or rule.kind == "block":
                continue
            if rule.kind == "line" and line.strip() and pattern.fullmatch(line.strip()):
                audit.append(_audit_row(doc_id, rule, i + 1, i + 1, 0, len(line), line))
                removed[i] = True
            elif rule.kind == "span":
                match = pattern.search(line)
                if match and match.end() > match.start():
                    audit.append(_audit_row(doc_id, rule, i + 1, i + 1, match.start(), match.end(), match.group()))
                    lines[i] = line[: match.start()] + line[match.end() :]
    kept = "\n".join("" if gone else line for line, gone in zip(lines, removed))
    return kept, audit


def clean_texts(texts: list[str], rules: pd.DataFrame) -> list[str]:
    """The clean texts of :func:`clean_text`, without building an audit table per text.

    Examples
    --------
    >>> from corpus_tools.resources import load_boilerplate_rules
    >>> clean_texts(["Read more\\nLeaders  met.", "Talks \u2013 ended."], load_boilerplate_rules())
    ['Leaders met.', 'Talks — ended.']
    """
    compiled = _compiled_rules(rules)
    return [collapse_whitespace(_remove_boilerplate(normalize_punctuation(normalize_unicode(t)), compiled, "")[0])
            for t in texts]


def clean_text(text: str, rules: pd.DataFrame | None = None, *, doc_id: str = "") -> tuple[str, pd.DataFrame]:
    """Run the whole cleaning pipeline on one article; return the clean text and the audit.

    Examples
    --------
    >>> raw = "Support The Moscow Times!\\n\\nMacron\\u2019s  \\u201cpeace\\u201d plan \\u2013 agreed.\\n"
    >>> text, audit = clean_text(raw, doc_id="d1")
    >>> text
    "Macron's \\u201cpeace\\u201d plan — agreed."
    >>> audit["rule_id"].tolist()
    ['support-banner']
    """
    text = normalize_punctuation(normalize_unicode(text))
    kept, audit = remove_boilerplate(text, rules, doc_id=doc_id)
    return collapse_whitespace(kept), audit
