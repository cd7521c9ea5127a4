"""What a run reads: file names that are not UTF-8, symlinks, and the files runs write."""

from __future__ import annotations

import os

import pandas as pd
from typer.testing import CliRunner

from pipeline.cli import app

from .conftest import POLICY
from .test_isolation import invoke, tables

runner = CliRunner()


def test_file_names_that_are_not_utf8_work_issue_16(good_dir, tmp_path):
    """`caf\\xe9.txt` (Latin-1 bytes): surrogate-escaped on the way in, hashed as bytes,
    written as `\\xe9` in the tables; two such names stay apart."""
    for raw in (b"caf\xe9.txt", b"caf\xe8.txt"):
        (good_dir / os.fsdecode(raw)).write_text(POLICY.format(name="cafe"), "utf-8")
    (good_dir / "rong.txt").write_bytes(b"")  # and an error row naming such a folder
    result = invoke(good_dir, tmp_path, "--workers", "1")
    assert result.exit_code == 2, result.output
    documents = tables(tmp_path)["documents"].set_index("doc_id")
    assert {"caf\\xe9", "caf\\xe8"} <= set(documents.index)
    assert documents.loc["caf\\xe9", "source_path"].endswith("policies/caf\\xe9.txt")
    again = invoke(good_dir, tmp_path, "--workers", "1", "--format", "csv")
    assert again.exit_code == 2, again.output
    assert "caf\\xe9" in set(pd.read_csv(tmp_path / "out" / "documents.csv")["doc_id"])


def test_stage_commands_take_names_that_are_not_utf8_issue_16(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / os.fsdecode(b"ch\xednh.txt")).write_text(POLICY.format(name="a"), "utf-8")
    result = runner.invoke(app, ["clean", str(folder), "--interim", str(tmp_path / "i"), "-q"])
    assert result.exit_code == 0, result.output
    clean = pd.read_parquet(tmp_path / "i" / "clean" / "documents.parquet")
    assert list(clean["doc_id"]) == ["ch\\xednh"]
