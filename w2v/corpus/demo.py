"""A synthetic corpus with known regularities, and its analogy questions, for demos and end-to-end tests.

>>> from w2v.corpus.demo import generate_demo_corpus
>>> demo = generate_demo_corpus(n_tokens=20_000, seed=0)
>>> demo.n_tokens, demo.questions.splitlines()[0]
(20000, ': capital-country')

A model trained on real text needs minutes and hundreds of megabytes before analogies such as
*paris - france + italy = rome* come out right. This corpus makes them learnable in seconds, while
still looking like text (function words, a Zipf-distributed filler vocabulary, varied sentences), so
that the demo command and the trainers' end-to-end tests check real learning on a small budget.

How the regularities are planted
--------------------------------
Five relations (capital-country, male-female, singular-plural, present-past,
adjective-comparative) each hold about twenty word pairs ``(a, b)``. Every word of a pair is built
from two factors, and each factor has its own context words:

* the **pair's theme**, shared by both members: *paris* and *france* both occur near *french*,
  *seine*, *wine*; *king* and *queen* near *throne*, *crown*, *palace*;
* the **role**, shared by every first (or every second) member of a relation: capitals occur near
  *mayor*, *downtown*, *streets*; countries near *flag*, *border*, *exports*; past tenses near
  *yesterday*, *ago*; plurals near *many*, *several*.

A word's context distribution is then (nearly) the product of its theme and its role, so the
pointwise mutual information matrix that skip-gram and CBOW implicitly factorise is additive in the
two factors, and ``vec(b) - vec(a)`` is the same role offset for every pair of a relation. The two
members of a pair also name each other now and then (*the mayor of paris , france*). "Fact"
sentences put the target, one or two role words and one or two theme words within two or three
positions of each other (inside word2vec's window), wrapped in function words and filler; the other
sentences are filler only. Filler words follow a Zipf law over a fixed vocabulary of real function
words followed by pronounceable invented words, so frequent-word subsampling and ``min_count``
behave as they do on real text.

The question file holds, for every relation, every ordered combination of two different pairs
(``a b c d``: *a is to b as c is to d*) under a ``: relation`` header, as in the Google analogy set.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2v.fileio import atomic_write

__all__ = ["DemoCorpus", "Relation", "RELATIONS", "MAX_DEMO_TOKENS", "generate_demo_corpus", "write_demo_corpus",
           "main"]

#: file names written by :func:`write_demo_corpus`
CORPUS_FILE = "demo-corpus.txt"
QUESTIONS_FILE = "demo-questions.txt"

#: largest corpus :func:`generate_demo_corpus` builds (``w2v demo --tokens``): the corpus is built in
#: memory, as Python lists and then one string (a few tens of bytes per token, some hundreds of MB
#: here), and 30 times the default already teaches nothing more; a real corpus goes to ``w2v train``
MAX_DEMO_TOKENS = 10_000_000


@dataclass(frozen=True)
class Relation:
    """One planted relation: word pairs, per-pair theme words and per-role context words.

    Attributes
    ----------
    name : str
        Section name in the question file.
    pairs : tuple of (str, str)
        ``(a, b)`` pairs; questions ask ``a b c d`` for two different pairs.
    themes : tuple of tuple of str
        Context words of each pair, shared by its two members (same order as ``pairs``).
    roles : (tuple of str, tuple of str)
        Context words of every first member and of every second member.
    """

    name: str
    pairs: tuple
    themes: tuple
    roles: tuple


def _relation(name: str, first_role: str, second_role: str, table: str) -> Relation:
    """Parse a table whose lines read ``a b : theme words``."""
    pairs, themes = [], []
    for line in table.strip().splitlines():
        members, theme = line.split(":")
        a, b = members.split()
        pairs.append((a, b))
        themes.append(tuple(theme.split()))
    return Relation(name, tuple(pairs), tuple(themes), (tuple(first_role.split()), tuple(second_role.split())))


RELATIONS: tuple[Relation, ...] = (
    _relation(
        "capital-country",
        "mayor downtown streets city avenue traffic museums",
        "flag border exports nation citizens economy government",
        """
        paris france : french seine wine
        berlin germany : german rhine beer
        rome italy : italian tiber pasta
        madrid spain : spanish flamenco paella
        tokyo japan : japanese sushi yen
        beijing china : chinese yangtze mandarin
        moscow russia : russian volga vodka
        cairo egypt : egyptian nile pyramids
        athens greece : greek aegean olives
        london england : english thames pounds
        ottawa canada : canadian maple hockey
        lima peru : peruvian andes llamas
        nairobi kenya : kenyan safari savanna
        delhi india : indian ganges curry
        brasilia brazil : brazilian amazon samba
        canberra australia : australian kangaroo outback
        oslo norway : norwegian fjords salmon
        dublin ireland : irish liffey whiskey
        lisbon portugal : portuguese tagus fado
        warsaw poland : polish vistula pierogi
        ankara turkey : turkish bosphorus kebab
        havana cuba : cuban cigars rum
        """,
    ),
    _relation(
        "male-female",
        "he him his himself mr gentleman",
        "she her hers herself mrs madam",
        """
        king queen : throne crown palace
        man woman : adult neighbour stranger
        boy girl : playground toys schoolyard
        father mother : parent family home
        son daughter : eldest raised inherited
        brother sister : sibling twin quarrel
        husband wife : married spouse anniversary
        uncle aunt : relatives cousins visiting
        prince princess : royal castle heir
        actor actress : film stage role
        waiter waitress : restaurant menu tips
        grandfather grandmother : grandchildren stories retired
        emperor empress : empire imperial dynasty
        monk nun : monastery prayer robes
        groom bride : altar vows veil
        host hostess : party guests dinner
        hero heroine : brave saved rescue
        lord lady : manor estate servants
        god goddess : temple worship heaven
        steward stewardess : flight cabin passengers
        """,
    ),
    _relation(
        "singular-plural",
        "one single this each lone every",
        "two many several these dozens three",
        """
        cat cats : whiskers meow fur
        dog dogs : bark leash bone
        horse horses : saddle gallop stable
        bird birds : wings nest feathers
        car cars : engine wheels parking
        apple apples : orchard juicy pie
        book books : pages library chapter
        house houses : roof rent garden
        tree trees : leaves forest branches
        mouse mice : cheese squeak trap
        computer computers : keyboard software screen
        bottle bottles : glass cork label
        flower flowers : petals bloom vase
        shoe shoes : laces heel socks
        cow cows : milk farm grazing
        boat boats : sail harbour anchor
        key keys : lock door pocket
        song songs : melody lyrics chorus
        student students : classroom exam homework
        phone phones : ringing battery charger
        """,
    ),
    _relation(
        "present-past",
        "today now usually often always tomorrow",
        "yesterday ago last once earlier previously",
        """
        walk walked : path trail stroll
        swim swam : pool lake laps
        write wrote : letter pen essay
        sing sang : choir tune karaoke
        run ran : race marathon sprint
        eat ate : breakfast fork hungry
        drink drank : thirsty cup sip
        speak spoke : speech microphone audience
        drive drove : highway steering truck
        fly flew : airplane sky pilot
        cook cooked : kitchen recipe oven
        play played : game ball team
        sleep slept : bed dream pillow
        paint painted : brush canvas colours
        build built : bricks hammer construction
        throw threw : catch pitch toss
        jump jumped : fence hop leap
        climb climbed : mountain summit rope
        teach taught : lesson pupils lecture
        buy bought : shop price money
        """,
    ),
    _relation(
        "adjective-comparative",
        "very quite really extremely so",
        "than even much compared getting",
        """
        big bigger : size giant enormous
        small smaller : tiny ant miniature
        fast faster : speed quick rocket
        slow slower : snail pace crawl
        tall taller : height giraffe ceiling
        short shorter : length inches brief
        strong stronger : muscles weights power
        weak weaker : fragile feeble tired
        hot hotter : heat sun summer
        cold colder : ice winter snow
        old older : ancient age elderly
        young younger : youth teenage childhood
        cheap cheaper : bargain discount sale
        rich richer : wealth fortune millionaire
        bright brighter : light lamp shining
        loud louder : noise volume shout
        warm warmer : cozy blanket heater
        deep deeper : ocean depth dive
        high higher : altitude peak clouds
        long longer : distance stretch endless
        """,
    ),
)

# Real function words head the filler vocabulary (they take the top Zipf ranks, so they are the
# words subsampling thins out), invented words fill the long tail.
_FUNCTION_WORDS = (
    "the of and to a in is that it for was on are as with be at by those had not but from or have an "
    "they which you were all their there been has more its also who would about can when into what "
    "some could them other though then only because our over such no may first new any like just after "
    "most out up where well before how back through between both under same while another"
).split()

_ONSETS = "b d f g k l m n p r s t v z br dr gr kl pr st tr".split()
_NUCLEI = "a e i o u ai ou".split()
_CODAS = ["", "", "n", "r", "s", "l"]


def _invented_words(n: int) -> list[str]:
    """The first ``n`` invented filler words, in a fixed order independent of any seed."""
    syllables = [o + v for o, v in itertools.product(_ONSETS, _NUCLEI)]
    rng = np.random.default_rng(20130116)  # fixed: the filler vocabulary is part of the design
    words: list[str] = []
    seen = set(_FUNCTION_WORDS)
    for rel in RELATIONS:
        for group in (*rel.pairs, *rel.themes, *rel.roles):
            seen.update(group)
    while len(words) < n:
        k = 2 + int(rng.random() < 0.4)
        word = "".join(syllables[i] for i in rng.integers(0, len(syllables), k)) + _CODAS[rng.integers(0, 6)]
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _distinct(words: tuple, k: int, uniforms) -> list:
    """One or two different words of ``words`` chosen uniformly with the given uniform draws."""
    first = int(next(uniforms) * len(words))
    if k == 1:
        return [words[first]]
    return [words[first], words[(first + 1 + int(next(uniforms) * (len(words) - 1))) % len(words)]]


@dataclass
class DemoCorpus:
    """A generated demo corpus.

    Attributes
    ----------
    sentences : list of list of str
        The text, one token list per sentence.
    questions : str
        Analogy questions in questions-words format (``: section`` headers, ``a b c d`` lines).
    relations : tuple of Relation
        The planted relations the questions are drawn from.
    seed : int
        Seed the corpus was generated with.
    """

    sentences: list
    questions: str
    relations: tuple = field(default=RELATIONS)
    seed: int = 0

    @property
    def n_tokens(self) -> int:
        """Total number of tokens in :attr:`sentences`."""
        return sum(len(s) for s in self.sentences)

    def text(self) -> str:
        """The corpus as text: one sentence per line, tokens separated by single spaces."""
        return "".join(" ".join(s) + "\n" for s in self.sentences)


def analogy_questions(relations: tuple[Relation, ...] = RELATIONS) -> str:
    """Questions-words text with every ordered pair of two different pairs of each relation.

    Parameters
    ----------
    relations : tuple of Relation
        Relations to ask about; one ``: name`` section each.

    Returns
    -------
    str
        ``sum(P * (P - 1))`` question lines (``P`` pairs per relation) plus one header per section.
    """
    lines = []
    for rel in relations:
        lines.append(f": {rel.name}")
        for (a, b), (c, d) in itertools.permutations(rel.pairs, 2):
            lines.append(f"{a} {b} {c} {d}")
    return "\n".join(lines) + "\n"


def generate_demo_corpus(
    n_tokens: int = 300_000,
    seed: int = 0,
    fact_share: float = 0.85,
    partner_rate: float = 0.1,
    filler_size: int = 5000,
    zipf_exponent: float = 1.0,
) -> DemoCorpus:
    """Generate the demo corpus and its analogy questions.

    Parameters
    ----------
    n_tokens : int
        Exact number of tokens to produce, at most :data:`MAX_DEMO_TOKENS` (10,000,000). The
        default, 300,000, takes a few seconds of training for a skip-gram model to answer nearly
        all questions; 100,000 still gives most of them right; below about 50,000 the planted
        words become too rare for ``min_count=5`` training.
    seed : int
        Seed of the :class:`numpy.random.Generator`; equal seeds give equal corpora.
    fact_share : float
        Probability that a sentence carries a planted fact (the rest is filler only).
    partner_rate : float
        Probability that a fact sentence also names the other member of the pair. Kept low on
        purpose: direct co-occurrence is realistic and helps CBOW, but it is not additive in theme
        and role, and at 0.25 or more it visibly lowers skip-gram's analogy accuracy.
    filler_size : int
        Number of distinct filler words; their frequencies follow ``rank ** -zipf_exponent``. With the
        default, the rarest filler words fall under ``min_count=5`` at the default size.
    zipf_exponent : float
        Exponent of the filler Zipf law (1.0, as in natural text).

    Returns
    -------
    DemoCorpus
        Sentences, question text and the planted relations.
    """
    if n_tokens < 1:
        raise ValueError(f"n_tokens must be >= 1, not {n_tokens}")
    if n_tokens > MAX_DEMO_TOKENS:
        raise ValueError(f"n_tokens must be at most {MAX_DEMO_TOKENS:,} (the demo corpus is built in memory), "
                         f"not {n_tokens}")
    if not 0.0 <= fact_share <= 1.0 or not 0.0 <= partner_rate <= 1.0:
        raise ValueError("fact_share and partner_rate must lie in [0, 1]")
    rng = np.random.default_rng(seed)
    filler = np.array(_FUNCTION_WORDS + _invented_words(max(filler_size - len(_FUNCTION_WORDS), 0)), dtype=object)
    zipf = 1.0 / np.arange(1, len(filler) + 1) ** zipf_exponent
    zipf_cdf = np.cumsum(zipf / zipf.sum())
    function_cdf = np.cumsum(zipf[: len(_FUNCTION_WORDS)] / zipf[: len(_FUNCTION_WORDS)].sum())

    # Every (relation, pair, member) slot is equally likely, so each target word gets a similar count.
    slots = [(r, p, m) for r, rel in enumerate(RELATIONS) for p in range(len(rel.pairs)) for m in (0, 1)]

    sentences: list[list[str]] = []
    produced = 0
    while produced < n_tokens:
        # Draw the randomness for a batch of sentences in bulk; the Python loop only assembles.
        batch = min(50_000, max(64, int((n_tokens - produced) / 9.5) + 1))  # bounded memory
        is_fact = rng.random(batch) < fact_share
        slot_ids = rng.integers(0, len(slots), batch)
        n_role = rng.integers(1, 3, batch)
        n_theme = rng.integers(1, 3, batch)
        n_func = rng.integers(0, 3, batch)
        with_partner = rng.random(batch) < partner_rate
        n_before = rng.integers(0, 4, batch)
        n_after = rng.integers(0, 4, batch)
        filler_len = rng.integers(4, 17, batch)
        uniforms = iter(rng.random(batch * 24).tolist())
        filler_draws = iter(filler[np.searchsorted(zipf_cdf, rng.random(batch * 16), side="right").clip(max=len(filler) - 1)])
        func_draws = iter(filler[np.searchsorted(function_cdf, rng.random(batch * 3), side="right").clip(max=len(function_cdf) - 1)])
        for i in range(batch):
            if not is_fact[i]:
                sentence = [next(filler_draws) for _ in range(filler_len[i])]
            else:
                r, p, m = slots[slot_ids[i]]
                rel = RELATIONS[r]
                role_words, theme = rel.roles[m], rel.themes[p]
                near = _distinct(role_words, n_role[i], uniforms) + _distinct(theme, n_theme[i], uniforms)
                if with_partner[i]:
                    near.append(rel.pairs[p][1 - m])
                near += [next(func_draws) for _ in range(n_func[i])]
                order = sorted(range(len(near)), key=lambda _: next(uniforms))
                # Alternate the context words on both sides of the target so each lies within
                # two or three positions of it, well inside a window of 5.
                left, right = [], []
                for k, j in enumerate(order):
                    (left if (k + (next(uniforms) < 0.5)) % 2 else right).append(near[j])
                sentence = [next(filler_draws) for _ in range(n_before[i])]
                sentence += left[::-1] + [rel.pairs[p][m]] + right
                sentence += [next(filler_draws) for _ in range(n_after[i])]
            if produced + len(sentence) > n_tokens:
                sentence = sentence[: n_tokens - produced]
            sentences.append([str(w) for w in sentence])
            produced += len(sentence)
            if produced >= n_tokens:
                break
    return DemoCorpus(sentences=sentences, questions=analogy_questions(RELATIONS), relations=RELATIONS, seed=seed)


def write_demo_corpus(folder: str | os.PathLike, n_tokens: int = 300_000, seed: int = 0) -> tuple[Path, Path]:
    """Generate the demo corpus and write it with its questions into ``folder``.

    Parameters
    ----------
    folder : str or PathLike
        Destination folder, created if missing.
    n_tokens, seed : int
        As in :func:`generate_demo_corpus`.

    Returns
    -------
    (Path, Path)
        ``folder / "demo-corpus.txt"`` (one sentence per line, tokens separated by spaces) and
        ``folder / "demo-questions.txt"`` (questions-words format), each written atomically.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    demo = generate_demo_corpus(n_tokens=n_tokens, seed=seed)
    corpus_path, questions_path = folder / CORPUS_FILE, folder / QUESTIONS_FILE
    with atomic_write(corpus_path, "w") as f:
        f.write(demo.text())
    with atomic_write(questions_path, "w") as f:
        f.write(demo.questions)
    return corpus_path, questions_path


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m w2v.corpus.demo --out FOLDER [--tokens N] [--seed S]``."""
    parser = argparse.ArgumentParser(
        prog="python -m w2v.corpus.demo",
        description="Write the w2v demo corpus and its analogy questions into a folder.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--out", required=True, help="destination folder (created if missing)")
    parser.add_argument("--tokens", type=int, default=300_000,
                        help=f"number of tokens to generate (at most {MAX_DEMO_TOKENS:,})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    args = parser.parse_args(argv)
    if args.tokens < 1:
        parser.error("--tokens must be >= 1")
    if args.tokens > MAX_DEMO_TOKENS:
        parser.error(f"--tokens must be at most {MAX_DEMO_TOKENS:,}: the corpus is built in memory")
    corpus_path, questions_path = write_demo_corpus(args.out, n_tokens=args.tokens, seed=args.seed)
    print(corpus_path)
    print(questions_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
