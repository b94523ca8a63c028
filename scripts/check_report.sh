#!/usr/bin/env bash
# Renders a run report in headless Chromium (Debian's), saves a screenshot next to it and fails if
# the browser logged a console error while loading it.
#   scripts/check_report.sh WORK/report.html
set -euo pipefail
report=$(realpath "$1")
if ! command -v chromium >/dev/null; then
  sudo_cmd=""; [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >&2
fi
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=1000,2600)
chromium "${flags[@]}" --screenshot="${report%.html}.png" "file://$report" >/dev/null 2>&1
chromium "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$report" >"$profile/dom.html" 2>"$profile/log"
if grep -E "CONSOLE\(|Uncaught|ERROR:.*(svg|html|render)" "$profile/log"; then
  echo "check_report: the browser reported errors for $report" >&2
  exit 1
fi
grep -q "<svg" "$profile/dom.html" || { echo "check_report: no charts in the rendered page" >&2; exit 1; }
echo "check_report: $report rendered without errors; screenshot ${report%.html}.png" >&2
