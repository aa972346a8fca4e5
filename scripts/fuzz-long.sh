#!/usr/bin/env bash
# The long fuzzing run: 600 hostile examples for each of the 19 properties in tests/fuzz
# (every form, the declaration page, every importer): 11,400 examples. Record the figure
# in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/fuzz -p no:cacheprovider -q --hypothesis-show-statistics "$@" \
  | tee var/fuzz-long.log
echo "wall time: $(( $(date +%s) - start )) s"
