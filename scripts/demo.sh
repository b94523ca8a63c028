#!/usr/bin/env bash
# Installs what is missing, builds, and runs the pipeline on the embedded default data set.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" -DMMCTR_BUILD_TESTS=OFF -DMMCTR_BUILD_BENCH=OFF
mmctr="$root/build/mmctr"
out="$root/out/demo"
mkdir -p "$root/out"
rm -rf "$out"
echo "== mmctr run: the whole pipeline on the embedded default (synth data, a random CLIP-shaped model)" >&2
"$mmctr" run --work "$out"
echo "== report: $out/report.html, submission: $out/predict/submission.csv" >&2
