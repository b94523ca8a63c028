#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" -DMMCTR_BUILD_TESTS=ON
cd "$root/build"
ctest --output-on-failure -j "$(nproc)" --timeout 900
