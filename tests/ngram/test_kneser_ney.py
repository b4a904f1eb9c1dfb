"""Modified Kneser-Ney against a brute-force reference written straight from lmplz's equations.

The reference uses Python dicts and recursion (slow, obviously correct); the model uses the
numpy tables. Both must agree on every probability of every context.
"""
import itertools
from collections import Counter

import pytest

from w2v.ngram import NgramLM
from w2v.ngram.kneser_ney import FALLBACK_DISCOUNTS


def _reference(sentences, order):
    """p(w | ctx) of interpolated modified Kneser-Ney with KenLM lmplz's conventions."""
    raw = Counter()
    for s in sentences:
        padded = ["<s>"] + s + ["</s>"]
        for i in range(1, len(padded)):
            for n in range(1, order + 1):
                if i - n + 1 >= 0:
                    raw[tuple(padded[i - n + 1:i + 1])] += 1
    adjusted = {}
    for g, c in raw.items():
        if len(g) == order or g[0] == "<s>":
            adjusted[g] = c
        else:
            adjusted[g] = len({h[0] for h in raw if len(h) == len(g) + 1 and h[1:] == g})
    discounts = {}
    for n in range(1, order + 1):
        t = Counter(a for g, a in adjusted.items() if len(g) == n)
        t1, t2, t3, t4 = (t[k] for k in (1, 2, 3, 4))
        d = FALLBACK_DISCOUNTS
        if min(t1, t2, t3) > 0:
            y = t1 / (t1 + 2 * t2)
            cand = (1 - 2 * y * t2 / t1, 2 - 3 * y * t3 / t2, 3 - 4 * y * t4 / t3)
            if all(0 <= x <= k for k, x in enumerate(cand, start=1)):
                d = cand
        discounts[n] = d
    vocab = {w for s in sentences for w in s} | {"</s>", "<unk>"}

    def disc(n, a):
        return discounts[n][min(a, 3) - 1]

    def prob(w, ctx):
        n = len(ctx) + 1
        following = {g[-1]: a for g, a in adjusted.items() if len(g) == n and g[:-1] == ctx}
        if not following:
            return prob(w, ctx[1:])
        total = sum(following.values())
        gamma = sum(disc(n, a) for a in following.values()) / total
        lower = 1 / len(vocab) if n == 1 else prob(w, ctx[1:])
        a = following.get(w, 0)
        return (a - disc(n, a) if a else 0.0) / total + gamma * lower

    return prob, sorted(vocab), discounts


@pytest.mark.parametrize("order", [2, 3, 4])
def test_matches_reference_on_every_context(order, random_sentences):
    sentences = random_sentences[:120]
    lm = NgramLM(order=order, smoothing="modified-kneser-ney", min_count=1).fit(sentences)
    prob, vocab, discounts = _reference(sentences, order)
    for n in range(1, order + 1):
        assert lm.smoothing_.fitted_["discounts"][str(n)] == pytest.approx(list(discounts[n]))
    words = [w for w in vocab if w not in ("<unk>", "</s>")]
    contexts = [c for k in range(order) for c in itertools.product(words[:4], repeat=k)]
    contexts += [("<s>",) + c for k in range(order - 1) for c in itertools.product(words[:3], repeat=k)]
    for ctx in contexts:
        for w in vocab:
            assert lm.prob(w, list(ctx)) == pytest.approx(prob(w, tuple(ctx)), rel=1e-12), (ctx, w)


def test_unk_gets_uniform_share_only_when_unseen(random_sentences):
    lm = NgramLM(order=2, smoothing="modified-kneser-ney", min_count=1).fit(random_sentences)
    prob, vocab, _ = _reference(random_sentences, 2)
    assert lm.prob("<unk>") == pytest.approx(prob("<unk>", ()), rel=1e-12)
    assert 0 < lm.prob("never-seen-word", ["w0"]) == lm.prob("<unk>", ["w0"])
