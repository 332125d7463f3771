"""The ``shapelint`` command: a thin door onto the engine."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import List, Optional, Sequence

from shapelint import __version__
from shapelint.batch.runner import STDIN
from shapelint.confirm.run import REFUTED, stop_workers
from shapelint.core.config import ConfigError, parse_target, validate_selectors
from shapelint.core.files import discover
from shapelint.core.registry import all_rules, rule_by_name_or_code
from shapelint.frontends.formats import FORMATS, render, statistics
from shapelint.linter import Linter

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(text: str) -> List[str]:
    return [c for c in (part.strip() for part in text.split(",")) if c]


def _jobs(text: str) -> Optional[int]:
    if text == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("expected 1 or more")
    return value


def check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shapelint",
        description="Find tensor-shape and model-configuration bugs in Keras / tf.keras and "
                    "PyTorch code, and confirm them on real TensorFlow and PyTorch.",
        epilog="Commands: 'shapelint [check] PATH...' lints (the default); 'shapelint rule CODE' "
               "prints a rule's documentation ('shapelint rule --all' lists the rules); "
               "'shapelint summary PATH' prints a static model.summary() of every model found; "
               "'shapelint server' runs the language server (LSP) on standard input and output.",
    )
    parser.add_argument("paths", nargs="*", type=Path,
                        help="files or directories (default: .); '-' reads standard input")
    parser.add_argument("--select", type=_codes, help="comma-separated rule codes or prefixes to enable")
    parser.add_argument("--extend-select", type=_codes, default=[], help="enable these on top of the selection")
    parser.add_argument("--ignore", type=_codes, default=[], help="comma-separated codes or prefixes to disable")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output format: text (default), concise, json, github, sarif")
    parser.add_argument("--statistics", action="store_true",
                        help="after the findings, print how many there are of each code")
    parser.add_argument("--stdin-filename", metavar="NAME",
                        help="the name to report standard input ('-') under; per-file-ignores use it")
    parser.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                        help="worker processes: 'auto' (default: one per CPU when there is enough "
                             "to parse), 1 for none")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the result cache")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes, then report what remains (with '-': print the "
                             "fixed text, findings on stderr)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff, also apply the fixes that change behaviour "
                             "(another activation, return_sequences=True, shuffle=False)")
    parser.add_argument("--diff", action="store_true",
                        help="print a unified diff of what --fix would change and write nothing "
                             "(exit 1 when there is something to fix)")
    parser.add_argument("--target-keras", help="Keras major version the code targets: 2 or 3 (default 3)")
    parser.add_argument("--no-confirm", action="store_true",
                        help="do not build flagged models on TensorFlow to confirm findings")
    parser.add_argument("--show-refuted", action="store_true",
                        help="also list findings that TensorFlow refuted (they are dropped otherwise)")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read (default: the nearest one)")
    parser.add_argument("--version", action="version", version=f"shapelint {__version__}")
    return parser


def linter_for(args) -> Linter:
    """The session the command line asks for: its overrides on top of the nearest
    ``[tool.shapelint]`` (or ``--config``); raises ``ConfigError``."""
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"--config {args.config}: no such file")
    overrides = {}
    if args.select is not None:
        overrides["select"] = validate_selectors(args.select, "--select")
    if args.extend_select:
        overrides["extend_select"] = validate_selectors(args.extend_select, "--extend-select")
    if args.ignore:
        overrides["ignore"] = validate_selectors(args.ignore, "--ignore")
    if args.target_keras is not None:
        overrides["target_keras"] = parse_target(args.target_keras, "--target-keras")
    if args.no_confirm:
        overrides["confirm"] = False
    linter = Linter(config_file=args.config, overrides=overrides, use_cache=not args.no_cache,
                    show_refuted=args.show_refuted,
                    notify=lambda text: print(f"shapelint: {text}", file=sys.stderr))
    linter.config_for(None)  # a bad configuration stops the run before any file is read
    return linter


def run_check(argv: Sequence[str]) -> int:
    parser = check_parser()
    args = parser.parse_args(argv)
    try:
        linter = linter_for(args)
    except ConfigError as exc:
        print(f"shapelint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    paths = args.paths or [Path(STDIN if args.stdin_filename else ".")]
    stdin_data = None
    if (args.fix or args.diff) and any(str(p) == STDIN for p in paths):
        stdin_data = sys.stdin.buffer.read(linter.config_for(None).max_file_size + 1)
    run = linter.lint_paths(paths, jobs=args.jobs, stdin_name=args.stdin_filename,
                            read_stdin=None if stdin_data is None else lambda: stdin_data)
    if run.files == 0:
        print("shapelint: warning: no Python files found", file=sys.stderr)
    for path, error in run.errors:
        print(f"shapelint: internal error on {path}: {error} (please report it)", file=sys.stderr)
    diagnostics = linter.confirm(run.diagnostics)
    if args.fix or args.diff:
        return _fix_and_report(args, linter, run, diagnostics, stdin_data)
    sys.stdout.write(render(diagnostics, args.format))
    if args.statistics:
        # Machine-readable formats keep standard output parseable: the counts go to stderr.
        stream = sys.stderr if args.format in ("json", "sarif") else sys.stdout
        for line in statistics(diagnostics):
            print(line, file=stream)
    diagnostics = [d for d in diagnostics if d.verdict != REFUTED]
    if run.errors:
        return EXIT_ERROR
    if diagnostics and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _fix_and_report(args, linter: Linter, run, diagnostics, stdin_data: Optional[bytes]) -> int:
    """--fix / --diff: the files fixed (or the diff printed), then what remains, as ruff does."""
    from shapelint.frontends.autofix import fix_run, summary_lines

    stdin = None if stdin_data is None else (args.stdin_filename or STDIN, stdin_data)
    fixed = fix_run(run.diagnostics, diagnostics, linter.config_for(None), unsafe=args.unsafe_fixes,
                    write=not args.diff, stdin=stdin,
                    confirm=(lambda ds: ds) if args.diff else linter.confirm)
    for note in fixed.notes:
        print(f"shapelint: {note}", file=sys.stderr)
    for path, error in fixed.errors:
        print(f"shapelint: error: {path}: {error}", file=sys.stderr)
    remaining = [d for d in fixed.diagnostics if d.verdict != REFUTED]
    if args.diff:
        sys.stdout.write(fixed.diff)
        for line in summary_lines(fixed, len(remaining), args.unsafe_fixes, diff=True):
            print(line, file=sys.stderr)
        return EXIT_ERROR if run.errors or fixed.errors else EXIT_FINDINGS if fixed.diff else EXIT_CLEAN
    # With standard input the fixed text is the output: everything else goes to stderr.
    stream = sys.stderr if stdin is not None else sys.stdout
    if stdin is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(fixed.stdout if fixed.stdout is not None else stdin[1])
        sys.stdout.buffer.flush()
    stream.write(render(fixed.diagnostics, args.format))
    closing = sys.stderr if args.format in ("json", "sarif", "github") else stream
    if args.statistics:
        for line in statistics(fixed.diagnostics):
            print(line, file=closing)
    for line in summary_lines(fixed, len(remaining), args.unsafe_fixes, diff=False):
        print(line, file=closing)
    if run.errors or fixed.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if remaining and not args.exit_zero else EXIT_CLEAN


def run_rule(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="shapelint rule", description="Show a rule's documentation.")
    parser.add_argument("code", nargs="?", help="rule code (SL101) or name (rank-mismatch)")
    parser.add_argument("--all", action="store_true", help="list every rule")
    args = parser.parse_args(argv)
    if args.all or not args.code:
        for rule in all_rules():
            print(f"{rule.code}  {rule.name:32} {rule.summary}")
        return EXIT_CLEAN
    rule = rule_by_name_or_code(args.code)
    if rule is None:
        print(f"shapelint: error: unknown rule {args.code!r}; 'shapelint rule --all' lists them",
              file=sys.stderr)
        return EXIT_ERROR
    print(rule.documentation(), end="")
    return EXIT_CLEAN


def run_summary(argv: Sequence[str]) -> int:
    from shapelint.core.files import read_source
    from shapelint.core.notebook import NotebookError, build_program, is_notebook, read_cells, read_limit
    from shapelint.engine import mentions_framework
    from shapelint.frontends.summary import format_summary, in_cells, parse_input_shape, summarize

    parser = argparse.ArgumentParser(prog="shapelint summary",
                                     description="Print a static model.summary() of every model found.")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--target-keras", help="Keras major version: 2 or 3 (default 3)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--input-shape", metavar="SHAPE",
                        help="input for models that declare none: Keras without the batch axis (10,3), "
                             "PyTorch nn.Sequential the whole tensor (1,3,224,224)")
    args = parser.parse_args(argv)
    try:
        input_shape = None if args.input_shape is None else parse_input_shape(args.input_shape)
    except ValueError as exc:
        print(f"shapelint: error: --input-shape {args.input_shape!r}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    found = []
    try:
        overrides = {} if args.target_keras is None else {
            "target_keras": parse_target(args.target_keras, "--target-keras")}
        config = Linter(overrides=overrides).config_for(None)
    except ConfigError as exc:
        print(f"shapelint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    status = EXIT_CLEAN
    for path, problem in discover(args.paths, config):
        text, problem = (None, problem) if problem else read_source(path, read_limit(str(path), config.max_file_size))
        if text is None:
            print(f"{path}: {problem}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        program = None
        if is_notebook(str(path)):  # the code cells, as one program; lines then go back to cells
            try:
                program = build_program(read_cells(text)[0])
                text = program.text
            except NotebookError as exc:
                print(f"{path}: cannot summarize: {exc}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > config.max_file_size:
                print(f"{path}: file skipped: its code cells hold {size:,} bytes, over max-file-size "
                      f"({config.max_file_size:,} bytes)", file=sys.stderr)
                status = EXIT_ERROR
                continue
        if not mentions_framework(text):
            continue
        try:
            summaries = summarize(text, str(path), config, input_shape)
            if program is not None:
                in_cells(summaries, program.locate)
        except Exception as exc:  # noqa: BLE001 - a syntax error or a bug: say so, go on
            print(f"{path}: cannot summarize: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        for summary in summaries:
            found.append(summary.as_json())
            if args.format == "text":
                print(format_summary(summary))
                print()
    if args.format == "json":
        print(json.dumps(found, indent=2))
    return status


def _terminate(signum, frame) -> None:
    """SIGTERM: stop the confirmation workers, then leave as for Ctrl-C (temporary folders are
    removed on the way out)."""
    stop_workers()
    raise KeyboardInterrupt


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        if len(argv) == 1 and argv[0] in ("rule", "summary") and Path(argv[0]).exists():
            # `shapelint rule` in a project with a rule/ folder: never guess which is meant.
            print(f"shapelint: error: {argv[0]!r} is both a command and a path here: write "
                  f"'shapelint check {argv[0]}' to lint the path, or "
                  f"{'shapelint rule --all' if argv[0] == 'rule' else 'shapelint summary PATH'!r} "
                  f"for the command", file=sys.stderr)
            return EXIT_ERROR
        if argv and argv[0] == "rule":
            return run_rule(argv[1:])
        if argv and argv[0] == "summary":
            return run_summary(argv[1:])
        if argv and argv[0] == "server":
            from shapelint.frontends.lsp import main as serve
            return serve(argv[1:])
        if argv and argv[0] == "check":
            argv = argv[1:]
        return run_check(argv)
    except KeyboardInterrupt:
        stop_workers()
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # noqa: BLE001 - an internal error is exit 2 (1 means findings)
        try:
            print(f"shapelint: internal error: {type(exc).__name__}: {exc} (please report it)",
                  file=sys.stderr)
        except Exception:  # noqa: BLE001 - even stderr failed: the exit code still says it
            pass
        return EXIT_ERROR
