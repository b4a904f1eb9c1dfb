"""``w2v demo``: the README's main job on the bundled demo corpus.

Generates the demo corpus (a corpus with known regularities: capitals, gender pairs, plurals,
verb tenses), trains a model on it, prints a few nearest neighbours and the analogy score on the
corpus's own question set. With ``--out`` the corpus, questions and vectors are kept in that folder.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from w2v.cli import _args, _safety
from w2v.corpus.demo import MAX_DEMO_TOKENS
from w2v.fileio import shown_name
from w2v.models import ARCHITECTURES, OBJECTIVES


def register(subparsers) -> None:
    """Add the ``demo`` sub-command."""
    p = subparsers.add_parser(
        "demo",
        help="train on the bundled demo corpus and show neighbours and analogy accuracy",
        description=__doc__.split("\n\n")[1],
        formatter_class=_args.HelpFormatter,
    )
    # the corpus is built in memory: the bound keeps a typo (--tokens 100000000000) from exhausting it
    p.add_argument("--tokens", type=_args.positive_int_at_most(MAX_DEMO_TOKENS), default=300_000,
                   help=f"size of the generated corpus, built in memory (at most {MAX_DEMO_TOKENS:,})")
    p.add_argument("--seed", type=_args.non_negative_int, default=0, help="seed of the corpus and of training")
    p.add_argument("--arch", choices=ARCHITECTURES, default="skipgram", help="architecture")
    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default="negative",
        help="output layer",
    )
    p.add_argument("--dim", type=_args.positive_int, default=100, help="vector size")
    p.add_argument("--epochs", type=_args.positive_int, default=5, help="passes over the corpus")
    p.add_argument("--workers", type=_args.positive_int, default=2, help="training threads")
    p.add_argument("-n", "--neighbors", type=_args.positive_int, default=5, help="neighbours shown per probe word")
    _args.add_tokenizer_option(p)
    p.add_argument("--out", type=Path, default=None,
                   help="keep corpus, questions and vectors in this folder; default: a temporary folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _args.add_json_option(p, "the vocabulary, training, neighbours and analogy results")
    p.set_defaults(func=run)


def _probe_words(questions: str, per_section: int = 1) -> list[str]:
    """First word pair of each question section: words whose neighbours show the learned relations."""
    words: list[str] = []
    taken = per_section
    for line in questions.splitlines():
        if line.startswith(":"):
            taken = 0
            continue
        parts = line.split()
        if len(parts) == 4 and taken < per_section:
            words.extend(w for w in parts[:2] if w not in words)
            taken += 1
    return words


def run(args: argparse.Namespace) -> int:
    """Generate, train, report. Returns the exit status."""
    from w2v.corpus.demo import write_demo_corpus
    from w2v.evaluate import evaluate_analogies
    from w2v.models.word2vec import Word2Vec

    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise _safety.PathConflictError(f"--out {str(args.out)!r} is a file, not a folder: give a folder "
                                        "(it is created if missing)")
    with tempfile.TemporaryDirectory(prefix="w2v-demo-") as tmp:
        folder = args.out if args.out is not None else Path(tmp)
        with _safety.writing(folder, "demo folder"):
            folder.mkdir(parents=True, exist_ok=True)
            corpus_path, questions_path = write_demo_corpus(folder, n_tokens=args.tokens, seed=args.seed)
        print(f"demo corpus: {shown_name(corpus_path)} ({args.tokens:,} tokens requested, seed {args.seed})",
              file=sys.stderr)

        model = Word2Vec(
            architecture=args.arch,
            objective=args.objective,
            dim=args.dim,
            epochs=args.epochs,
            workers=args.workers,
            seed=args.seed,
            progress=not args.quiet,
            tokenizer=args.tokenizer,
        ).fit(corpus_path)
        kv = model.wv_
        vocab = model.vocab_
        last = model.history_[-1]
        neighbours = {word: kv.most_similar(word, topn=args.neighbors)
                      for word in _probe_words(questions_path.read_text(encoding="utf-8")) if word in kv}
        result = evaluate_analogies(kv, questions_path, restrict_vocab=len(kv))
        vectors_path = None
        if args.out is not None:
            vectors_path = folder / "vectors.bin"
            with _safety.writing(vectors_path, "vectors"):
                kv.save(vectors_path, format="binary")
            print(f"vectors written to {shown_name(vectors_path)}", file=sys.stderr)
        if args.json:
            _args.print_json({
                "corpus": str(corpus_path) if args.out is not None else None, "tokens": args.tokens,
                "seed": args.seed, "tokenizer": args.tokenizer,
                "vocabulary": {"words": len(vocab), "tokens_kept": vocab.retained_words,
                               "tokens_read": vocab.total_words},
                "training": {"architecture": args.arch, "objective": args.objective, "dim": args.dim,
                             "epochs": args.epochs, "history": model.history_},
                "neighbors": {word: [{"word": w, "similarity": s} for w, s in found]
                              for word, found in neighbours.items()},
                "analogies": result.to_dict(),
                "vectors": None if vectors_path is None else str(vectors_path),
            })
            return 0

        print(f"vocabulary: {len(vocab):,} words, {vocab.retained_words:,} of {vocab.total_words:,} tokens kept")
        print(f"trained {args.arch} + {args.objective}, dim {args.dim}, {args.epochs} epochs: "
              f"final epoch loss {last['loss']:.4f}, {last['words_per_second']:,.0f} words/s")
        print("\nnearest neighbours:")
        for word, found in neighbours.items():
            print(f"  {word:>12}: " + ", ".join(f"{w} {s:.2f}" for w, s in found))
        print("\nanalogies (3CosAdd) on the demo question set:")
        for name, section in result.sections.items():
            print(f"  {name:<28} {section.correct:>5}/{section.questions:<5} {section.accuracy:.3f}")
        print(f"  {'total':<28} {result.correct:>5}/{result.questions:<5} {result.accuracy:.3f}")
    return 0
