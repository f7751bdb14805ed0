"""The text classifier behind category suggestions: TF-IDF word and character n-grams into a logistic regression.

Plain scikit-learn, no network and no outside weights. Kept apart from the database so the benchmark and the
tests can fit and score it on lists of texts; triage/suggest.py stores, versions and serves it.

Why these pieces:
- word unigrams and bigrams catch the kind's own words ("streetlight out", "missed pickup");
- character n-grams of 2–5 inside word boundaries (`char_wb`) catch misspellings ("potholl", "grafitti"),
  run-together words and the endings of Spanish and Arabic words ("baches", "الحفر") without a stemmer
  per language;
- accents and Arabic short vowels are stripped (`strip_accents="unicode"`), so "está" and "esta" meet;
- a multinomial logistic regression gives one probability per kind, summing to 1 over the kinds it knows:
  the suggestion's `confidence`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import ThreadpoolController

#: Feature caps: bound the model's size (kinds × features floats) whatever the history's size.
MAX_WORD_FEATURES = 40_000
MAX_CHAR_FEATURES = 80_000
#: With more rows than this, an n-gram must occur in two rows to count (drops one-off typos and numbers).
MIN_DF_FROM_ROWS = 5_000
#: Share of rows held out to measure accuracy, and the fewest rows for which a hold-out is worth it.
HELDOUT_SHARE = 0.2
MIN_ROWS_FOR_HELDOUT = 40

#: Numeric libraries run on one thread here: the matrices are small, and a thread pool per web worker on a
#: shared machine spends more time waiting for cores than computing (measured: a fit 15 times slower).
_threads = ThreadpoolController()

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """The text as the model reads it: lower case, numbers as one "0" (house numbers say nothing of the kind),
    spaces collapsed."""
    return _SPACES.sub(" ", _DIGITS.sub("0", text.lower())).strip()


def build_pipeline(rows: int) -> Pipeline:
    """An unfitted pipeline sized for `rows` training rows."""
    min_df = 2 if rows > MIN_DF_FROM_ROWS else 1
    features = FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=normalise, strip_accents="unicode", ngram_range=(1, 2),
                                  sublinear_tf=True, min_df=min_df, max_features=MAX_WORD_FEATURES)),
        ("chars", TfidfVectorizer(preprocessor=normalise, strip_accents="unicode", analyzer="char_wb",
                                  ngram_range=(2, 5), sublinear_tf=True, min_df=min_df,
                                  max_features=MAX_CHAR_FEATURES)),
    ])
    return Pipeline([("features", features), ("model", LogisticRegression(C=20.0, max_iter=300))])


def fit(texts: list[str], labels: list[int]) -> Pipeline:
    """A pipeline fitted on `texts` → `labels` (service type ids), trimmed for storage."""
    pipeline = build_pipeline(len(texts))
    with _threads.limit(limits=1):
        pipeline.fit(texts, labels)
    return _trimmed(pipeline)


def _trimmed(pipeline: Pipeline) -> Pipeline:
    """Drop what prediction never reads: the vectorisers' list of cut terms (as large as the history's
    vocabulary) and double precision of the weights."""
    for _name, vectorizer in pipeline.named_steps["features"].transformer_list:
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None
    model = pipeline.named_steps["model"]
    model.coef_ = model.coef_.astype(np.float32)
    return pipeline


def ranked(pipeline: Pipeline, text: str) -> list[tuple[int, float]]:
    """Every label the pipeline knows with its probability for `text`, most likely first."""
    with _threads.limit(limits=1):
        probabilities = pipeline.predict_proba([text])[0]
    classes = pipeline.classes_
    order = np.argsort(-probabilities)
    return [(int(classes[i]), float(probabilities[i])) for i in order]


@dataclass(frozen=True)
class Score:
    """Held-out accuracy: `top1` and `top3` are shares (0..1) of `rows` held-out texts."""

    rows: int
    top1: float | None
    top3: float | None


def score(pipeline: Pipeline, texts: list[str], labels: list[int]) -> Score:
    """Top-1 and top-3 accuracy of `pipeline` on these texts (None on no texts)."""
    if not texts:
        return Score(0, None, None)
    with _threads.limit(limits=1):
        probabilities = pipeline.predict_proba(texts)
    classes = pipeline.classes_
    best = np.argsort(-probabilities, axis=1)[:, :3]
    top1 = top3 = 0
    for row, label in enumerate(labels):
        found = [int(classes[i]) for i in best[row]]
        top1 += found[0] == label
        top3 += label in found
    return Score(len(texts), top1 / len(texts), top3 / len(texts))


def holdout_split(texts: list[str], labels: list[int], *, seed: int = 19):
    """(train texts, train labels, held-out texts, held-out labels): a seeded HELDOUT_SHARE of the rows of each
    kind that has at least five rows, so every held-out kind is also learned; nothing held out under
    MIN_ROWS_FOR_HELDOUT rows."""
    if len(texts) < MIN_ROWS_FOR_HELDOUT:
        return texts, labels, [], []
    by_label: dict[int, list[str]] = {}
    for text, label in zip(texts, labels):
        by_label.setdefault(label, []).append(text)
    rng = random.Random(seed)
    train_t, train_l, held_t, held_l = [], [], [], []
    for label, rows in by_label.items():
        rows = rows[:]
        rng.shuffle(rows)
        cut = int(len(rows) * HELDOUT_SHARE) if len(rows) >= 5 else 0
        held_t += rows[:cut]
        held_l += [label] * cut
        train_t += rows[cut:]
        train_l += [label] * (len(rows) - cut)
    return train_t, train_l, held_t, held_l
