"""What every sub-command shares: value checkers (invalid values are usage errors, exit 2, before
any work starts), ``-`` for standard input and output, the tokenizer option, ``--json`` output
and the help formatter."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from w2v.fileio import NOT_STANDARD_INPUT, check_regular_file, is_url, open_descriptor_named
from w2v.errors import W2VError

#: the file argument that means standard input (when read) or standard output (when written)
STDIO = "-"

# w2v.corpus.tokenize.TOKENIZER_NAMES (a test keeps them equal), not imported: every command would
# then load the corpus package before parsing its arguments
TOKENIZERS = ("default", "whitespace")
TOKENIZER_HELP = ("'default': lowercase, keep runs of letters and digits (inner ' and - kept, decimal "
                  "numbers such as 3.14 whole; other punctuation and _ dropped); 'whitespace': split on "
                  "white space only and keep every token as written (C++, new_york, case), for text "
                  "tokenized beforehand. Either way, bytes that are not UTF-8 are read as U+FFFD (a warning "
                  "counts them; 'default' then drops it), so Latin-1 words that differ only there become "
                  "one token")


# "default: ..." or "; default ..." in a help text states the default in words
_STATES_DEFAULT = re.compile(r"\bdefault:|; default ")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: X)`` only where it informs: not for on/off flags, not for ``None`` or an
    empty string (the help then says what happens), and not when the help already states its
    default (``default: ...`` or ``; default ...``)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.default is None or action.default is argparse.SUPPRESS or action.default in ("", [], ())
                or action.nargs == 0 or _STATES_DEFAULT.search(text)
                or not (action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE))):
            return text
        return text + " (default: %(default)s)"


class InputError(argparse.ArgumentTypeError):
    """A value error whose message is a whole sentence: printed without argparse's 'argument X:'."""


#: the largest integer an option takes: what int64 holds (the compiled kernels' integer type; a
#: larger count, size or bound ended in an OverflowError or a numba TypingError)
MAX_INT = 2 ** 63 - 1


def positive_int(text: str) -> int:
    """An integer from 1 to :data:`MAX_INT` (int64's largest)."""
    value = _parse(int, text, "an integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    if value > MAX_INT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_INT:,}, got {text}")
    return value


def positive_int_at_most(high: int):
    """Argument type: an integer from 1 to ``high``; above it a usage error ("must be at most 1,024"),
    for options whose large values only exhaust the machine (processes, memory)."""
    def check(text: str) -> int:
        value = positive_int(text)
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:,}, got {text}")
        return value

    check.__name__ = "positive_int"
    return check


def non_negative_int(text: str) -> int:
    """An integer >= 0."""
    value = _parse(int, text, "an integer")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def positive_float(text: str) -> float:
    """A finite float > 0."""
    value = _parse(float, text, "a number")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def unit_interval(text: str) -> float:
    """A float in [0, 1) (e.g. a subsampling threshold)."""
    value = _parse(float, text, "a number")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def output_path(text: str) -> Path:
    """A file path whose folder exists (the file itself may not); not ``-``, which an option that
    can write to standard output takes through :func:`output_file`."""
    if text == STDIO:
        raise argparse.ArgumentTypeError("'-' (standard output) cannot take this output; give a file name")
    if text.endswith(("/", os.sep)):  # Path() would drop the separator and write a file of that name
        raise argparse.ArgumentTypeError(f"{text!r} names a folder; give a file name")
    path = Path(text)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"folder {str(folder)!r} does not exist; create it first")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"folder {str(folder)!r} is not writable; choose another place")
    return path


def existing_path(text: str) -> Path:
    """A file or folder that exists; ``-`` only as the name of one (it is not standard input here)."""
    path = Path(text)
    if not os.path.exists(path):
        raise argparse.ArgumentTypeError(_missing(None, text))
    return path


def input_file(what: str, stdin: bool = True, urls: bool = False):
    """Argument type: an existing file or folder, or ``-`` (standard input) when ``stdin``.

    The error names the argument by ``what`` ("corpus 'x' does not exist"). ``-`` is returned as
    the string ``"-"``, which the corpus readers take as standard input; without ``stdin`` it is a
    file name, and the error when no such file exists says that standard input is not accepted
    ("vocabulary '-': standard input is not accepted ..."). With ``urls``, a URL
    (``scheme://...``) is returned as given, unchecked: the workers of a cluster read it.
    """
    def check(text: str):
        if stdin and text == STDIO:
            return STDIO
        if urls and is_url(text):
            return text
        if not os.path.exists(text):
            raise InputError(_missing(what, text))
        return Path(text)

    check.__name__ = what.replace(" ", "_")
    return check


def side_file(option: str, folders: bool = False, pipes: bool = True):
    """Argument type: an auxiliary input read whole (questions, word pairs, classes, held-out text).

    Unlike a corpus it must be a file (or, with ``folders``, a folder, which the corpus readers
    walk): a device such as ``/dev/zero`` would fill memory, so it is refused here, before any work
    starts; a pipe (``--pairs <(zcat pairs.gz)``) only where ``pipes`` is False, for a file read more
    than once. The error names the option: "--pairs '/dev/zero' is not a regular file but a device
    or socket: ...".
    """
    def check(text: str):
        if folders and os.path.isdir(text):
            return Path(text)
        try:
            return check_regular_file(text, option, pipes=pipes)
        except W2VError as err:
            raise InputError(str(err)) from None

    check.__name__ = option.lstrip("-").replace("-", "_")
    return check


def output_file(what: str, stdout: bool = True):
    """Argument type: a file to write (its folder must exist), or ``-`` (standard output); another
    name of standard output's descriptor (``/dev/stdout``, ``/proc/self/fd/1``) is ``-`` too, so
    that results written there are followed by no report on stdout. A plain name of the file
    stdout is redirected to stays a name (it implies a format); :func:`w2v.cli._safety.refuse_overwrite`
    refuses it, since the report would go there too."""
    def check(text: str):
        if stdout and (text == STDIO or open_descriptor_named(text) == 1):
            return STDIO
        try:
            return output_path(text)
        except argparse.ArgumentTypeError as err:
            raise InputError(f"{what}: {err}") from None

    check.__name__ = what.replace(" ", "_")
    return check


def add_tokenizer_option(parser: argparse.ArgumentParser, default=TOKENIZERS[0], extra: str = "") -> None:
    """``--tokenizer default|whitespace`` with the same meaning and help in every command."""
    parser.add_argument("--tokenizer", choices=TOKENIZERS, default=default, help=TOKENIZER_HELP + extra)


def add_json_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--json``: print the result as one JSON document on stdout (strict JSON: no NaN)."""
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON on stdout instead of text")


#: what JSON text cannot carry as it is: a lone surrogate (UTF-8 holds none)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(document, **kwargs) -> str:
    """``document`` as strict JSON (non-finite floats become ``null``; keyword arguments go to
    :func:`json.dumps`) that UTF-8 can hold: a lone surrogate in a string (a word of the Python API,
    a file name that is not UTF-8) is written as JSON's escape ``\\udcff``, which :func:`json.loads`
    reads back as that code point, and the other characters as they are. (A high surrogate followed
    by a low one, two lone surrogates in a Python string, reads back as the one character the pair
    encodes: JSON has no other spelling for them.)"""
    from w2v.cli._safety import dumps  # one strict-JSON writer for every command (numpy scalars too)

    # dumps escapes only quotes, backslashes and control characters: a lone surrogate stands there
    # as itself, and only inside a string
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumps(document, **kwargs))


def print_json(document, **kwargs) -> None:
    """Print ``document`` as strict JSON that UTF-8 can hold (see :func:`json_text`)."""
    print(json_text(document, **kwargs))


def write_output(path, write) -> None:
    """Call ``write(file_path)``; for ``-`` write to a private temporary file and copy it to stdout.

    Writers are atomic and may need to seek (zip), so standard output gets a finished file.
    """
    if path != STDIO:
        write(path)
        return
    with tempfile.TemporaryDirectory(prefix="w2v-out-") as folder:
        tmp = Path(folder) / "output"
        write(tmp)
        sys.stdout.flush()
        with open(tmp, "rb") as f:
            shutil.copyfileobj(f, sys.stdout.buffer)
        sys.stdout.buffer.flush()


def _missing(what: str | None, text: str) -> str:
    """The message for the input ``text`` that does not exist, naming the argument by ``what`` (None
    where argparse names it): for ``-``, that standard input is not accepted (the argument would
    read it if it were; "'-' does not exist" read as a missing file)."""
    if text == STDIO:
        return f"{what + ' ' if what else ''}'-': {NOT_STANDARD_INPUT}"
    return f"{what + ' ' if what else ''}{text!r} does not exist"


def _parse(kind, text: str, what: str):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
