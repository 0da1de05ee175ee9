"""corpus_tools: analyse news reports of diplomatic meetings.

The public API, re-exported here::

    from corpus_tools import load_corpus, sentences, tokens
    corpus = load_corpus()
    toks = tokens(sentences(corpus))
"""
from importlib.metadata import version as _version

from corpus_tools.clean import clean_text, collapse_whitespace, normalize_punctuation, normalize_unicode, remove_boilerplate
from corpus_tools.corpus import check_corpus, cleaning_audit, corpus_summary, load_corpus, load_meetings
from corpus_tools.errors import CorpusError, CorpusWarning, Problem
from corpus_tools.paths import cache_dir, data_dir, project_root, reports_dir
from corpus_tools.resources import load_boilerplate_rules, load_stopwords
from corpus_tools.tokens import lower_form, sentence_spans, sentences, tokens, word_spans

__version__ = _version("corpus_tools")

__all__ = [
    "CorpusError", "CorpusWarning", "Problem",
    "cache_dir", "check_corpus", "clean_text", "cleaning_audit", "collapse_whitespace", "corpus_summary",
    "data_dir", "load_boilerplate_rules", "load_corpus", "load_meetings", "load_stopwords", "lower_form",
    "normalize_punctuation", "normalize_unicode", "project_root", "remove_boilerplate", "reports_dir",
    "sentence_spans", "sentences", "tokens", "word_spans",
]
