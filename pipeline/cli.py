"""`vnpolicy`: one thin command per stage, plus `run` for all of them.

Commands parse options and call `stages`, `batch`, `compare` or `report`; a `PipelineError`
becomes a message on stderr and exit status 1. `run` exits 0 when every file went through
and 2 when some failed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .audit.profiles import DEFAULT_PROFILE as LAW_IN_FORCE
from .audit.profiles import profile_choices
from .config import ANNOTATED_DIR, INTERIM_DIR, CleanParams, CompareParams
from .errors import PipelineError
from .limits import MAX_SECONDS

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Turn Vietnamese website privacy policies into a dataset.")
EXIT_SOME_FAILED = 2


class Format(str, Enum):
    """Where the dataset tables go (see README, "Formats")."""

    parquet = "parquet"
    csv = "csv"
    ndjson = "ndjson"
    sqlite = "sqlite"  # one data.db with every table and two views
    duckdb = "duckdb"  # one data.duckdb, the same


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


class Family(str, Enum):
    logreg = "logreg"
    svm = "svm"


# The audit profiles are data files (audit/profiles/*.json): their names, aliases and `auto`
# are the choices.
Profile = Enum("Profile", {name: name for name in profile_choices()}, type=str)  # type: ignore[misc]
DEFAULT_PROFILE = Profile(LAW_IN_FORCE)


def _choice(*decls: str, **kwargs: object) -> typer.models.OptionInfo:
    """An option whose choices are listed in `--help` and matched in any case."""
    return typer.Option(*decls, case_sensitive=False, **kwargs)  # type: ignore[arg-type]


Inputs = Annotated[list[Path] | None, typer.Argument(
    help="Policy files, folders (read recursively) or WARC crawls.", show_default=False)]
Interim = Annotated[Path, typer.Option(help="Folder for stage outputs.")]
Dataset = Annotated[Path, typer.Argument(help="A dataset folder written by run or build.",
                                         show_default=False)]
FormatOption = Annotated[Format, _choice(
    "--format", help="Table format (sqlite, duckdb: one database with every table).")]
ProfileOption = Annotated[Profile, _choice(help=(
    "Audit profile: pdp (Law 91/2025 + Decree 356/2025, the law in force), decree52 (alias "
    "ecommerce), decree13 (historical), or auto (by each policy's date)."))]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
MaxBytes = Annotated[int, typer.Option(min=1, help="Larger files are refused (a row in errors).")]
MaxDepth = Annotated[int, typer.Option(min=1, help="HTML nested deeper is refused.")]
MaxChars = Annotated[int, typer.Option(min=1, help="Longer decoded text is refused.")]
MaxInflated = Annotated[int, typer.Option(
    min=1, help="DOCX or PDF content inflating to more bytes is refused.")]
FollowSymlinks = Annotated[bool, typer.Option(
    help="Also read links in the input folders that point outside them.")]
MaxSeconds = Annotated[float, typer.Option(
    min=0, help="A document taking longer (all stages) is stopped: a row in errors; 0: no limit.")]


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"vnpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                               help="Debug logging; list skipped files.")]
         = False,
         version: Annotated[bool, typer.Option(
             "--version", callback=_show_version, is_eager=True,
             help="Print the version and exit.")] = False) -> None:
    """Configure logging once, here and nowhere else."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", force=True)


def _fail(err: PipelineError) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(1)


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """A `PipelineError` becomes its message on stderr and exit status 1 (no traceback)."""
    try:
        yield
    except PipelineError as err:
        raise _fail(err) from err


def _needs_inputs(inputs: list[Path] | None) -> list[Path]:
    if not inputs:
        raise _fail(PipelineError("no input: name policy files, folders or WARC crawls"))
    return inputs


def _summary(report, errors: list[dict]) -> None:  # type: ignore[no-untyped-def]
    skipped = getattr(report, "skipped", [])
    typer.echo(f"{report.stage}: {report.n_in} in, {report.n_out} out, {len(errors)} failed"
               + (f", {len(skipped)} skipped (-v lists them)" if skipped else ""), err=True)
    for error in errors:
        typer.echo(f"  {error['source_path']}: {error['stage']}: {error['error']}", err=True)
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        for path, reason in skipped:
            typer.echo(f"  skipped {path}: {reason}", err=True)


@app.command()
def clean(inputs: Inputs = None, interim: Interim = INTERIM_DIR, strict: bool = False,
          max_bytes: MaxBytes = CleanParams.max_bytes,
          max_html_depth: MaxDepth = CleanParams.max_html_depth,
          max_chars: MaxChars = CleanParams.max_chars,
          max_inflated_bytes: MaxInflated = CleanParams.max_inflated_bytes,
          follow_symlinks: FollowSymlinks = False, quiet: Quiet = False) -> None:
    """Decode and normalise policies. Example: vnpolicy clean ~/policies"""
    from .stages import run_clean

    with _exit_on_error():
        report = run_clean(_needs_inputs(inputs), interim, strict=strict,
                           params=CleanParams(max_bytes, max_html_depth, max_chars,
                                              max_inflated_bytes),
                           show_progress=not quiet, follow_symlinks=follow_symlinks)
    _summary(report, report.errors)


@app.command()
def segment(interim: Interim = INTERIM_DIR, strict: bool = False, quiet: Quiet = False) -> None:
    """Split cleaned policies into sections, clauses and words. Example: vnpolicy segment"""
    from .stages import run_segment

    with _exit_on_error():
        _summary(report := run_segment(interim, strict=strict, show_progress=not quiet),
                 report.errors)


@app.command()
def classify(interim: Interim = INTERIM_DIR, quiet: Quiet = False) -> None:
    """Label clauses with the committed model. Example: vnpolicy classify"""
    from .stages import run_classify

    with _exit_on_error():
        _summary(run_classify(interim, show_progress=not quiet), [])


@app.command()
def extract(interim: Interim = INTERIM_DIR, quiet: Quiet = False) -> None:
    """Extract facts with evidence spans. Example: vnpolicy extract"""
    from .stages import run_extract

    with _exit_on_error():
        _summary(run_extract(interim, show_progress=not quiet), [])


@app.command()
def build(out: Annotated[Path | None, typer.Option(
              "--out", "-o", help="Folder for the dataset tables (required).",
              show_default=False)] = None,
          interim: Interim = INTERIM_DIR,
          output_format: FormatOption = Format.parquet,
          profile: ProfileOption = DEFAULT_PROFILE) -> None:
    """Write the dataset tables and the audit. Example: vnpolicy build --out ~/dataset"""
    from .stages import run_build

    if out is None:
        raise _fail(PipelineError("name the dataset folder: --out DIR"))
    with _exit_on_error():
        report = run_build(interim, out, fmt=output_format.value, profile=profile.value)
    _summary(report, report.errors)
    if report.errors:
        raise typer.Exit(EXIT_SOME_FAILED)


def _run_messages(report, out: Path) -> None:  # type: ignore[no-untyped-def]
    _summary(report, report.errors)
    if report.cache_dir:
        typer.echo(f"{report.n_cached} of {report.n_in} documents from the cache "
                   f"({report.cache_dir})", err=True)
    if report.up_to_date:
        typer.echo(f"dataset in {out} is up to date: same files, code and options", err=True)
    else:
        typer.echo(f"dataset written to {out}", err=True)


@app.command()
def run(inputs: Inputs = None,
        out: Annotated[Path | None, typer.Option(
            "--out", "-o", help="Folder for the dataset tables (required).",
            show_default=False)] = None,
        output_format: FormatOption = Format.parquet,
        profile: ProfileOption = DEFAULT_PROFILE,
        strict: Annotated[bool, typer.Option(help="Stop at the first bad file.")] = False,
        max_bytes: MaxBytes = CleanParams.max_bytes,
        max_html_depth: MaxDepth = CleanParams.max_html_depth,
        max_chars: MaxChars = CleanParams.max_chars,
        max_inflated_bytes: MaxInflated = CleanParams.max_inflated_bytes,
        max_seconds: MaxSeconds = MAX_SECONDS, follow_symlinks: FollowSymlinks = False,
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="No progress bar, no log lines of Dask.")] = False,
        workers: Annotated[int | None, typer.Option(
            min=1, help="Worker processes.", show_default="number of CPUs")] = None,
        engine: Annotated[EngineName, _choice(help="Where documents are processed.")]
        = EngineName.local,
        scheduler: Annotated[str | None, typer.Option(
            help="Dask scheduler address (tcp://HOST:8786); default: a local cluster.")] = None,
        dashboard: Annotated[bool, typer.Option(
            help="Serve the local Dask cluster's dashboard (127.0.0.1:8787).")] = False,
        cache_dir: Annotated[Path | None, typer.Option(
            help="Per-document results.", show_default="OUT/.cache")] = None,
        interim: Annotated[Path | None, typer.Option(
            hidden=True, help="Deprecated: the cache goes to INTERIM/cache.")] = None,
        cache: Annotated[bool, typer.Option(help="Reuse and store per-document results.")]
        = True,
        ) -> None:
    """Run every stage. Example: vnpolicy run ~/policies crawl.warc.gz --out ~/dataset"""
    from .batch.engines import prestart

    if out is None:
        raise _fail(PipelineError("name the dataset folder: --out DIR"))
    prestart(inputs or [], out, workers or os.cpu_count() or 1, engine.value)
    from .batch import run_pipeline

    if cache_dir is None and interim is not None:
        cache_dir = interim / "cache"
    with _exit_on_error():
        report = run_pipeline(_needs_inputs(inputs), out, fmt=output_format.value,
                              profile=profile.value, strict=strict,
                              clean_params=CleanParams(max_bytes, max_html_depth, max_chars,
                                                       max_inflated_bytes),
                              max_seconds=max_seconds or None, show_progress=not quiet,
                              workers=workers or os.cpu_count() or 1,
                              engine=engine.value, scheduler=scheduler, cache_dir=cache_dir,
                              use_cache=cache, follow_symlinks=follow_symlinks,
                              quiet=quiet, dashboard=dashboard)
    _run_messages(report, out)
    if report.errors:
        raise typer.Exit(EXIT_SOME_FAILED)


@app.command()
def audit(dataset: Dataset,
          profile: Annotated[Profile | None, _choice(
              help="Audit again against this profile (pdp, decree52, decree13, auto); "
                   "default: the audit the dataset was built with.")] = None) -> None:
    """Print each policy's checklist from a built dataset. Example: vnpolicy audit ~/dataset"""
    from .compare import load_dataset
    from .stages import audit_dataset, checklist_lines

    with _exit_on_error():
        load_dataset(dataset, tables=("documents", "audit"))  # a clear error if it is none
        table = audit_dataset(dataset, profile.value if profile else None)
    for line in checklist_lines(table):
        typer.echo(line)


@app.command()
def compare(dataset: Dataset,
            out: Annotated[Path | None, typer.Option(
                "--out", "-o", help="Folder for the comparison tables.",
                show_default="DATASET/compare")] = None,
            output_format: FormatOption = Format.parquet,
            threshold: Annotated[float, typer.Option(
                min=0.0, max=1.0,
                help="Estimated Jaccard from which two policies share a template.")]
            = CompareParams.family_threshold) -> None:
    """Compare policies and find shared templates. Example: vnpolicy compare ~/dataset"""
    from .compare import run_compare
    from .config import COMPARE_DIRNAME

    out = out or dataset / COMPARE_DIRNAME
    with _exit_on_error():
        tables = run_compare(dataset, out, fmt=output_format.value,
                             params=CompareParams(family_threshold=threshold))
    typer.echo(f"compare: {len(tables['coverage'])} policies, "
               f"{len(tables['template_families'])} template families, "
               f"{len(tables['boilerplate'])} shared boilerplate clauses; written to {out}",
               err=True)


@app.command()
def report(dataset: Dataset,
           out: Annotated[Path | None, typer.Option(
               "--out", "-o", help="Folder for the HTML pages.",
               show_default="DATASET/report")] = None) -> None:
    """Write a static HTML report. Example: vnpolicy report ~/dataset --out ~/report"""
    from .config import REPORT_DIRNAME
    from .report import run_report

    with _exit_on_error():
        index = run_report(dataset, out or dataset / REPORT_DIRNAME)
    typer.echo(f"report written to {index}", err=True)


@app.command()
def info(as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False) -> None:
    """Versions, the model's metadata and the paths in use. Example: vnpolicy info"""
    from .about import package_info

    with _exit_on_error():
        details = package_info()
    if as_json:
        typer.echo(json.dumps(details, indent=2, ensure_ascii=False))
        return
    for section, values in details.items():
        typer.echo(f"{section}:")
        for key, value in values.items():
            typer.echo(f"  {key}: {value}")


@app.command()
def train(out: Annotated[Path | None, typer.Option(
              "--out", "-o", help="Folder for clause_classifier.skops and .json (required; "
              "`make train` writes the committed models/).", show_default=False)] = None,
          annotations: Path = ANNOTATED_DIR / "clauses.jsonl",
          family: Annotated[Family, _choice(help="Model family.")] = Family.logreg,
          quiet: Quiet = False) -> None:
    """Measure (dev CV and the frozen test split), then fit the heading model and the clause
    classifier on all annotated policies. Example: vnpolicy train --out /tmp/model"""
    from .classify.train import train_model
    from .config import HEADING_MODEL_FILE, MODEL_FILE, MODEL_META_FILE
    from .evaluate import evaluate_all, summary

    if out is None:
        raise _fail(PipelineError("name the folder for the new model: --out DIR "
                                  "(`make train` refreshes the committed one)"))
    with _exit_on_error():
        figures = summary(evaluate_all(annotations.parent, show_progress=not quiet,
                                       probes=False))
        meta = train_model(annotations, out / MODEL_FILE, out / MODEL_META_FILE,
                           family=family.value, heading_path=out / HEADING_MODEL_FILE,
                           evaluation=figures)
    for side, values in meta["evaluation"].items():
        typer.echo(f"{side}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    typer.echo(f"model written to {out / MODEL_FILE}", err=True)


@app.command()
def evaluate(annotations: Path = ANNOTATED_DIR,
             as_json: Annotated[bool, typer.Option("--json")] = False,
             quiet: Quiet = False) -> None:
    """Figures on the frozen test split and by grouped CV. Example: vnpolicy evaluate"""
    from .evaluate import evaluate_all, format_report

    with _exit_on_error():
        result = evaluate_all(annotations, show_progress=not quiet)
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json
               else format_report(result))


annotate_app = typer.Typer(no_args_is_help=True, help="Work sheets for annotators.")
app.add_typer(annotate_app, name="annotate")


@annotate_app.command("export")
def annotate_export(files: Annotated[list[Path], typer.Argument(help="Policy files.")],
                    out: Annotated[Path, typer.Option("--out", "-o")],
                    source: Annotated[str, typer.Option(help="raw or corpus")] = "corpus"
                    ) -> None:
    """Write one work sheet per policy. Example: vnpolicy annotate export x.txt -o sheets/"""
    from .annotation_tool import export_sheet
    from .annotations import load_gold_clauses

    out.mkdir(parents=True, exist_ok=True)
    with _exit_on_error():
        gold = load_gold_clauses()
        for path in files:
            doc_gold = [g for g in gold if g.doc_id == path.stem]
            sheet = export_sheet(path, source, doc_gold)
            (out / f"{path.name}.json").write_text(
                json.dumps(sheet, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            typer.echo(f"{path.name}: {len(sheet['clauses'])} clauses", err=True)


@annotate_app.command("check")
def annotate_check(sheets: Annotated[list[Path], typer.Argument(help="Filled-in sheets.")]
                   ) -> None:
    """Check filled-in sheets and count their rows. Example: vnpolicy annotate check s.json"""
    from .annotation_tool import load_sheet, sheet_rows
    from .annotations import source_dirs

    with _exit_on_error():
        for path in sheets:
            rows = sheet_rows(load_sheet(path), source_dirs())
            typer.echo(f"{path.name}: " + ", ".join(f"{len(v)} {k}" for k, v in rows.items()))


@annotate_app.command("import")
def annotate_import(sheets: Annotated[list[Path], typer.Argument(help="Filled-in sheets.")],
                    annotated: Path = ANNOTATED_DIR,
                    tables: Annotated[str, typer.Option(
                        help="Comma-separated gold files to write.")]
                    = "clauses,headings,facts,law") -> None:
    """Write sheets into the gold files. Example: vnpolicy annotate import sheets/*.json"""
    from .annotation_tool import import_sheets
    from .annotations import source_dirs

    with _exit_on_error():
        counts = import_sheets(sheets, annotated, source_dirs(), tuple(tables.split(",")))
    typer.echo(", ".join(f"{n} {table} rows" for table, n in counts.items()), err=True)


@annotate_app.command("agreement")
def annotate_agreement(first: Annotated[Path, typer.Argument(help="First-pass gold folder.")]
                       = ANNOTATED_DIR / "first_pass",
                       final: Annotated[Path, typer.Argument(help="Reviewed gold folder.")]
                       = ANNOTATED_DIR) -> None:
    """Agreement of the first annotation pass with the reviewed gold, per label.
    Example: vnpolicy annotate agreement"""
    from .annotation_tool import fact_agreement, heading_agreement, label_agreement, law_agreement

    labels = label_agreement(first / "clauses.jsonl", final / "clauses.jsonl")
    typer.echo(f"{'label':<13}{'kappa':>7}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for label, m in labels.items():
        if label != "all":
            typer.echo(f"{label:<13}{m['kappa']:>7.3f}{m['precision']:>7.3f}"
                       f"{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>6}")
    typer.echo(f"clauses compared: {labels['all']['clauses']}, same label set: "
               f"{labels['all']['identical']:.3f}")
    heads = heading_agreement(first / "headings.jsonl", final / "headings.jsonl")
    typer.echo(f"headings: P {heads['precision']:.3f} R {heads['recall']:.3f} F1 "
               f"{heads['f1']:.3f}, same level {heads['level_agreement']:.3f} "
               f"({heads['headings']} headings)")
    facts = fact_agreement(first / "facts.jsonl", final / "facts.jsonl")
    typer.echo(f"facts (policy, type, value): P {facts['precision']:.3f} R {facts['recall']:.3f}"
               f" ({facts['facts']} facts)")
    law = law_agreement(first / "law.jsonl", final / "law.jsonl")
    typer.echo(f"law elements: same value {law['agreement']:.3f}, kappa {law['kappa']:.3f} "
               f"({law['elements']} policy-element pairs)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
