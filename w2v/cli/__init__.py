"""The ``w2v`` command line: a thin argparse front over the library.

Each sub-command lives in its own module of this package and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` (the handler, called with the parsed namespace and
returning an exit status). Handlers import heavy modules (numba kernels) lazily so that
``w2v --help`` stays instant.

Exit status: 0 success, 1 runtime failure (e.g. training diverged, an output or standard output
that cannot be written), 2 usage or input error,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM, handled as Ctrl-C). User errors print one line
on stderr (``w2v train: error: corpus 'x' does not exist``), followed at most by a hint to
``--help``; never a traceback, never the usage block.

A ``w2v train`` line that gives ``-train`` is word2vec.c's dialect and is translated first
(:mod:`w2v.cli.word2vec_c`), so ``w2v train -train text8 -output vectors.bin -size 200`` runs.
"""
from __future__ import annotations

import argparse
import codecs
import importlib
import logging
import os
import re
import sys

from w2v._version import __version__
from w2v.cli import _safety
from w2v.cli._args import InputError
from w2v.errors import OutputError, W2VError

# Order here is the order in ``w2v --help``.
_COMMAND_MODULES = (
    "w2v.cli.demo",
    "w2v.cli.train",
    "w2v.cli.vocab",
    "w2v.cli.phrases",
    "w2v.cli.query",
    "w2v.cli.evaluate",
    "w2v.cli.classes",
    "w2v.cli.plot",
    "w2v.cli.plot_history",
    "w2v.cli.export",
    "w2v.cli.ngram",
)


class _Parser(argparse.ArgumentParser):
    """argparse parser whose usage errors are one line, ``w2v train: error: ...``, and exit 2.

    A command's own parser reads its positional arguments wherever they stand among the options
    (``w2v neighbors vectors.bin --json king`` as ``... king --json``): argparse alone fills a
    list of words only from the arguments before the first option."""

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):
        # parse_known_intermixed_args calls this method itself (twice): only the outer call switches
        if self._intermixing or not self._may_intermix():
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False

    def _may_intermix(self) -> bool:
        """argparse cannot intermix around sub-commands (``w2v`` and ``w2v ngram`` themselves)."""
        return not any(action.nargs in (argparse.PARSER, argparse.REMAINDER) for action in self._actions)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n(run '{self.prog} --help' for the options)\n")

    def _get_value(self, action, arg_string):
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as err:
            if isinstance(err.__context__, InputError):
                # the checker's message names the argument itself ("corpus 'x' does not exist")
                raise argparse.ArgumentError(None, str(err.__context__)) from None
            raise


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``w2v`` argument parser with every available sub-command."""
    parser = _Parser(
        prog="w2v",
        description="Word embeddings (word2vec skip-gram / CBOW) and n-gram language models from raw text.",
        epilog="Run 'w2v COMMAND --help' for the options of one command. "
        "Start with 'w2v demo' to train on the bundled demo corpus.",
    )
    parser.add_argument("--version", action="version", version=f"w2v {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details on stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            # A sub-command whose module is not written yet is simply absent; anything else is a bug.
            if err.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def given_options(argv: list[str]) -> set[str]:
    """The destinations of the options and arguments ``argv`` gives (a ``w2v`` command line that
    parses), whatever their values: an option given at its default value is in it, one left out is
    not. Parsed again with every default of the command suppressed, so abbreviations (``--di``) and
    ``--dim=100`` count as argparse counts them."""
    parser = build_parser()
    command = _command_parser(parser, parser.parse_args(argv))
    for action in command._actions:
        action.default = argparse.SUPPRESS
    command._defaults.clear()  # set_defaults(...) values are no more given than an option's default
    return set(vars(parser.parse_args(argv)))


def _command_parser(parser: argparse.ArgumentParser, args) -> argparse.ArgumentParser:
    """The parser of the innermost command ``args`` were parsed for (``w2v ngram train``'s, say)."""
    while True:
        commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(args, commands[0].dest, None) if commands else None
        if name not in (commands[0].choices if commands else {}):
            return parser
        parser = commands[0].choices[name]


def run() -> int:
    """The ``w2v`` script and ``python -m w2v``: :func:`main` in a process that is the command
    line's own, so numba is set up there without its BLAS probe (:mod:`w2v._numba_setup`). A Python
    caller of :func:`main` keeps numba as numba sets itself up."""
    from w2v._numba_setup import claim_process

    claim_process()
    try:
        status = main()
    except KeyboardInterrupt:
        # before a command took it (the commands' modules import as the parser is built): nothing
        # was started, so nothing to save; a traceback would only hide that
        print("w2v: interrupted", file=sys.stderr)
        return _safety.EXIT_INTERRUPTED
    if sys.stdout is None:  # started with standard output closed: nothing buffered
        return status
    try:
        sys.stdout.flush()
    except OSError:
        # main() reported it (a full disk); what stdout still buffers would fail again in the
        # interpreter's flush at exit, with a message of its own and status 120. Done here, where
        # the process is the command line's: a Python caller of main() keeps its stdout
        _discard_stdout(sys.stdout)
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    from w2v.cli import word2vec_c

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        argv = word2vec_c.translate(argv, parser)
    except W2VError as err:
        print(f"w2v train: error: {err}", file=sys.stderr)
        return err.exit_code
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's parser (``w2v neighbors: error: ...``), not by ``w2v``'s
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    args.argv = argv  # what was given, for a command that must tell it from a default (train --resume)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    command = " ".join(filter(None, (args.command, getattr(args, "ngram_command", None))))
    stdout = sys.stdout
    # Python gives None for a standard output closed before it started (``w2v ... >&-``)
    sys.stdout = _ClosedStdout() if stdout is None else _CheckedStdout(stdout)
    try:
        with _safety.sigterm_as_interrupt():  # SIGTERM takes Ctrl-C's path: work saved, temp files removed
            status = int(args.func(args) or 0)
            # what stdout still buffers must fail (a full disk) here, where it is reported, not in the
            # interpreter's flush at exit (a message of its own and status 120)
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                if status:   # the reader stopped, but the command failed (and said so): its status stands
                    return status
                raise
            return status
    except W2VError as err:
        print(f"w2v {command}: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(f"w2v {command}: {_safety.interrupt_word()}", file=sys.stderr)
        return _safety.interrupt_status()
    except BrokenPipeError:
        # stdout closed early (``w2v neighbors ... | head``): not an error worth a traceback.
        sys.stderr.close()
        return 0
    finally:
        sys.stdout = stdout


#: what no UTF-8 text holds: a lone surrogate (U+D800 to U+DFFF)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _StdoutError(OutputError):
    """Standard output cannot be written (a full disk, an I/O error)."""


class _CheckedStdout:
    """``sys.stdout`` while a command runs: a failed write or flush is a one-line :class:`OutputError`
    (exit 1) rather than a traceback. A closed pipe stays a ``BrokenPipeError`` (a reader such as
    ``head`` that stopped reading is not an error). A lone surrogate (a word of the Python API) is
    written as the files of words hold it, whatever the stream's error handler (see
    :meth:`_write_words`). Everything else is the stream's own."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        # str.isascii() is O(1): the search runs only on text that holds other characters
        if not text.isascii() and _LONE_SURROGATE.search(text) and self._is_utf8():
            return self._write_words(text)
        try:
            return self._call(self._stream.write, text)
        except UnicodeEncodeError as err:
            # another encoding than UTF-8 (PYTHONIOENCODING=ascii) that cannot hold a character
            encoding = getattr(self._stream, "encoding", None)
            char = err.object[err.start:err.end][:1]
            raise _StdoutError(f"could not write to standard output: its encoding ({encoding}) cannot hold "
                               f"{char!r}; set PYTHONIOENCODING=utf-8") from None

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        return self._call(self._stream.flush)

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def _is_utf8(self) -> bool:
        try:
            return (codecs.lookup(getattr(self._stream, "encoding", None) or "?").name == "utf-8"
                    and getattr(self._stream, "buffer", None) is not None)
        except LookupError:
            return False

    def _write_words(self, text: str) -> int:
        """Write ``text``, which holds a lone surrogate, to the stream's bytes after what it buffered,
        encoded as the files of words are (:data:`w2v.fileio.WORD_ENCODE_ERRORS`), so that a classes
        file or a word list on standard output holds the bytes of the file ``-o`` writes: a strict
        stream (a UTF-8 locale) refuses the surrogate, and surrogateescape (the C locale's) would write
        U+DC80..U+DCFF as one byte each and refuse the others."""
        from w2v.fileio import WORD_ENCODE_ERRORS

        self.flush()
        self._call(self._stream.buffer.write, text.encode("utf-8", WORD_ENCODE_ERRORS))
        return len(text)

    @staticmethod
    def _call(method, *args):
        try:
            return method(*args)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _StdoutError(f"could not write to standard output: {err.strerror or err}") from None


class _ClosedStdout:
    """``sys.stdout`` while a command runs whose standard output was closed before it started: a
    write is the one-line :class:`_StdoutError` a failed write is, and
    :func:`w2v.cli._safety.check_outputs` refuses ``-o -`` before any work (``closed`` is True)."""

    closed = True

    def write(self, text):
        raise _StdoutError("could not write to standard output: it is closed")

    def flush(self):
        pass  # nothing was written, so nothing is lost

    @property
    def buffer(self):
        return self  # binary writes (``-o -``) fail the same way


def _discard_stdout(stream) -> None:
    """Point ``stream``'s file at the null device: what it still buffers is then dropped at exit
    instead of failing a second time. Nothing to do for a stream without a file."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
