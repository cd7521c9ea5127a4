#!/usr/bin/env bash
# The tool as a user gets it (issue 15): build the wheel, install it alone into a clean venv,
# and run every command from a folder that has nothing to do with this checkout.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
INPUTS=("$ROOT/data/raw")
if [ -d "$ROOT/../shared/corpus" ]; then INPUTS+=("$ROOT/../shared/corpus"); fi

"$PY" -m pip wheel "$ROOT" --no-deps --quiet -w "$WORK/dist"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/venv/bin/python" -m pip install --quiet "$WORK"/dist/vnpolicy-*.whl
BIN="$WORK/venv/bin"
mkdir "$WORK/elsewhere" && cd "$WORK/elsewhere"
SITE="$("$BIN/python" -c 'import pipeline, pathlib; print(pathlib.Path(pipeline.__file__).parent)')"
case "$SITE" in "$WORK"/venv/*) ;; *) echo "wheel check: pipeline imported from $SITE"; exit 1;; esac
touch "$WORK/stamp"
before="$(git -C "$ROOT" status --porcelain)"

"$BIN/vnpolicy" --version
"$BIN/vnpolicy" info > info.txt && sed -n '1,3p' info.txt
"$BIN/vnpolicy" run "${INPUTS[@]}" --out dataset -q
"$BIN/vnpolicy" audit dataset > audit.txt && head -n 3 audit.txt
"$BIN/vnpolicy" compare dataset
"$BIN/vnpolicy" report dataset
test -f dataset/report/index.html && test -f dataset/compare/coverage.parquet
"$BIN/vnpolicy" run "${INPUTS[@]}" --out dataset-db --format sqlite -q
"$BIN/python" - <<'PY'
import sqlite3
import spacy

import pipeline

with sqlite3.connect("dataset-db/data.db") as db:
    n = db.execute("SELECT count(*) FROM policy_completeness").fetchone()[0]
print(f"sqlite: {n} policies in policy_completeness")
text = "Chính sách bảo mật\nDữ liệu được lưu trữ trong 12 tháng. Liên hệ hotro@sen.vn."
print(pipeline.analyze(text))
nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
nlp.add_pipe("vnpolicy")  # found through the installed entry point
doc = nlp(text)
assert doc.spans["clauses"] and doc.spans["facts"], "the spaCy component set no span"
print("spaCy:", [(s.label_, s.text) for s in doc.spans["facts"]])
PY

written="$(find "$WORK/venv" -newer "$WORK/stamp" -type f -not -path '*__pycache__*' | head -n 5)"
if [ -n "$written" ]; then echo "wheel check: wrote into the installed package: $written"; exit 1; fi
if [ "$(git -C "$ROOT" status --porcelain)" != "$before" ]; then
  echo "wheel check: wrote into the checkout"; git -C "$ROOT" status --porcelain; exit 1
fi
echo "wheel check: the installed wheel ran run, audit, compare, report from $WORK/elsewhere"
