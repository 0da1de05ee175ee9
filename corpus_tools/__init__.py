"""corpus_tools: analyse news reports of diplomatic meetings.

The public API, re-exported here (each function is documented, with an example, in its module)::

    import corpus_tools as ct
    corpus = ct.load_corpus()                       # one row per document
    toks = ct.tokens(ct.sentences(corpus))          # one row per sentence, then per token
    ct.keyness.keyness(toks.merge(corpus[["doc_id", "meeting_id"]]), by="meeting_id", target="paris-2026-01-06")
    ct.quotes.quotes(corpus)                        # one row per quotation, with its speaker
    ct.sentence_tone(ct.sentences(corpus))          # one row per sentence, with its tone

Modules: ``corpus`` (loading, validation, adding articles), ``clean``, ``tokens``,
``vocabulary``, ``keyness``, ``diversity``, ``readability``, ``concordance``, ``speakers``,
``quotes``, ``sentiment``, ``vader`` (NLTK's VADER, fast), ``compare``, ``pipeline`` (cache, process pool, Dask),
``plots`` (figures, drawn per report for few reports and by outlet, meeting and time for many),
``table_view`` (a saved table's head, row count and link for the report pages), ``reports``
(the notebook runner), ``cli`` (``corpus-tools``).
``quotes``, ``sentiment``, ``target_tone`` (tone toward each side), ``target_model`` (its learned
layer), ``compare``, ``pipeline`` (cache, process pool, Dask),
``plots`` (figures), ``reports`` (the notebook runner), ``cli`` (``corpus-tools``).

Three functions share their module's name and are not re-exported, so that the modules stay
reachable: use ``ct.keyness.keyness``, ``ct.quotes.quotes`` and ``ct.readability.readability``
(or ``from corpus_tools.quotes import quotes``).
"""
from importlib.metadata import version as _version

from corpus_tools.clean import clean_text, clean_texts, collapse_whitespace, normalize_punctuation, normalize_unicode, remove_boilerplate
from corpus_tools.compare import (
    article_cards, fact_coverage, meeting_changes, nearest_neighbours, quote_groups, similarity_matrix, similarity_order,
    reuse_table, reused_passages, similarity_pairs, similarity_tables, text_reuse,
)
from corpus_tools.concordance import dispersion, kwic
from corpus_tools.corpus import (
    add_article, add_meeting, check_corpus, cleaning_audit, corpus_summary, load_corpus, load_meetings,
)
from corpus_tools.diversity import lexical_diversity, mattr, mtld, ttr
from corpus_tools.errors import CorpusError, CorpusWarning, Problem
from corpus_tools import compare, keyness, quotes, readability  # modules; see the note above
from corpus_tools.keyness import group_keyness, log_likelihood, log_ratio
from corpus_tools.paths import cache_dir, data_dir, project_root, reports_dir
from corpus_tools.pipeline import iter_articles, process, read_articles, term_counts
from corpus_tools.quotes import (
    attribution_errors, candidate_speakers, errors_by_construction, evaluate_by_sentence, evaluate_quotes, evaluate_style_suite,
    indirect_speech, load_domain_terms, load_gold_quotes, load_stances, load_style_suite, share_of_voice, stance_counts,
    unresolved_references,
)
from corpus_tools.readability import count_syllables, flesch_kincaid_grade, flesch_reading_ease
from corpus_tools.resources import load_boilerplate_rules, load_stopwords
from corpus_tools.sentiment import (
    aggregate_tone, cohen_kappa, evaluate, failure_cases, load_sentiment_gold, macro_f1, method_agreement, method_tones,
    quote_vs_narration, score_texts, sentence_tone, targeted_tone, validation_table,
)
from corpus_tools.table_view import show_table
from corpus_tools.tokens import count_words, lower_form, sentence_spans, sentences, tokens, word_spans
from corpus_tools.vader import ExactVader, vader_tokens
from corpus_tools.speakers import (
    load_actors, load_demonyms, load_honorifics, load_institutions, load_leader_nouns, load_name_particles, load_titles,
    mention_counts, mentions, resolve_title,
)
from corpus_tools.target_model import (
    cross_validate_target_model, fit_target_model, predict_tone_toward, target_model_learning_curve,
    target_model_validation, training_weights, tune_folds, tune_half_cross_validation,
)
from corpus_tools.target_tone import (
    evaluate_tone_toward, load_target_gold, summarise_tone_toward, tone_toward, tone_toward_evidence, tone_toward_validation,
)
from corpus_tools.vocabulary import collocations, ngram_counts, term_frequencies, tfidf_terms, vocabulary_size
# issue 13 (reports at 10,000 articles): tables read and computed in linear time
from corpus_tools.concordance import kwic_table
from corpus_tools.sentiment import AfinnScorer
from corpus_tools.vocabulary import in_text_order, load_tokens, phrase_table, tfidf_view

# issue 14, session 18: the concordance view of notebook 01; the pipeline's parameters checked
from corpus_tools.concordance import kwic_view
from corpus_tools.pipeline import pipeline_params

__version__ = _version("corpus_tools")

__all__ = [
    "CorpusError", "CorpusWarning", "ExactVader", "Problem", "add_article", "add_meeting", "aggregate_tone",
    "article_cards", "attribution_errors", "cache_dir", "candidate_speakers", "check_corpus", "clean_text",
    "clean_texts", "cleaning_audit", "cohen_kappa", "collapse_whitespace", "collocations", "corpus_summary",
    "count_syllables", "count_words", "cross_validate_target_model", "data_dir", "dispersion",
    "errors_by_construction", "evaluate", "evaluate_by_sentence", "evaluate_quotes", "evaluate_style_suite",
    "evaluate_tone_toward", "fact_coverage", "failure_cases", "fit_target_model", "flesch_kincaid_grade",
    "flesch_reading_ease", "group_keyness", "indirect_speech", "iter_articles", "keyness", "kwic",
    "lexical_diversity", "load_actors", "load_boilerplate_rules", "load_corpus", "load_demonyms",
    "load_domain_terms", "load_gold_quotes", "load_honorifics", "load_institutions", "load_leader_nouns",
    "load_meetings", "load_name_particles", "load_sentiment_gold", "load_stances", "load_stopwords",
    "load_style_suite", "load_target_gold", "load_titles", "log_likelihood", "log_ratio", "lower_form",
    "macro_f1", "mattr", "meeting_changes", "mention_counts", "mentions", "method_agreement", "method_tones", "mtld",
    "nearest_neighbours", "ngram_counts", "normalize_punctuation", "normalize_unicode", "predict_tone_toward",
    "process", "project_root", "quote_groups", "quote_vs_narration", "quotes", "read_articles", "readability",
    "remove_boilerplate", "reports_dir", "resolve_title", "score_texts", "sentence_spans", "sentence_tone",
    "sentences", "share_of_voice", "show_table", "similarity_matrix", "similarity_order", "similarity_pairs",
    "reuse_table", "reused_passages", "similarity_tables",
    "stance_counts", "summarise_tone_toward", "target_model_learning_curve", "target_model_validation", "targeted_tone", "term_counts",
    "term_frequencies", "text_reuse", "tfidf_terms", "tokens", "tone_toward", "tone_toward_evidence",
    "tone_toward_validation", "ttr", "unresolved_references", "vader_tokens", "validation_table",
    "vocabulary_size", "word_spans",
]
__all__ += ["AfinnScorer", "in_text_order", "kwic_table", "load_tokens", "phrase_table", "tfidf_view"]
__all__ += ["training_weights", "tune_folds", "tune_half_cross_validation"]
__all__ += ["kwic_view", "pipeline_params"]
