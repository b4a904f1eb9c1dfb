"""Regenerate the files in this folder with the w2v release they are named after (fa23423).

Run from a checkout of that release (``python tests/data/fa23423/make_fixtures.py OUTDIR``): the
files and ``expected.json`` (what that release computed from them) let the tests check that files
written by it still load and give the same answers.
"""
import json
import sys
from pathlib import Path

import numpy as np

from w2v import KeyedVectors, Word2Vec
from w2v.ngram import NgramLM

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
expected = {}

words = ["the", "cat", "sat", "on", "mat", "dog", "héllo"]
vectors = np.arange(len(words) * 4, dtype=np.float32).reshape(len(words), 4) / 7
KeyedVectors(words, vectors, np.arange(len(words), 0, -1) * 3).save(out / "vectors_counts.npz")
KeyedVectors(words[:3], vectors[:3]).save(out / "vectors_nocounts.npz")
expected["vectors"] = {"words": words, "vectors": vectors.tolist()}

sentences = [s.split() for s in ["a b", "a b", "a c", "b", "c a", "a", "b c", "a b c", "c", "b a",
                                 "a b a c", "c c b", "b b a"]]
probes = [["a", "b", "c"], ["c", "zzz"], ["b", "a", "a"]]
expected["ngram_probes"] = probes
expected["ngram"] = {}
for method in ["mle", "add-k", "interpolated", "witten-bell", "kneser-ney", "modified-kneser-ney"]:
    lm = NgramLM(order=3, smoothing=method, min_count=1).fit(sentences)
    lm.save(out / f"ngram_{method}.npz")
    expected["ngram"][method] = [lm.score(p) for p in probes]

corpus = out / "corpus.txt"
rng = np.random.default_rng(0)
vocab = [f"w{i}" for i in range(12)]
corpus.write_text("\n".join(" ".join(rng.choice(vocab, size=8)) for _ in range(60)) + "\n")
expected["state"] = {}
for objective in ["negative", "hierarchical"]:
    model = Word2Vec(dim=4, epochs=1, min_count=1, workers=1, seed=1, progress=False,
                     objective=objective).fit(corpus)
    model.save_state(out / f"state_{objective}.npz")
    expected["state"][objective] = {"words": model.wv_.words, "vectors": model.wv_.vectors.tolist(),
                                    "epochs_trained": model.epochs_trained_}
corpus.unlink()
(out / "expected.json").write_text(json.dumps(expected, indent=1))
