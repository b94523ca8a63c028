#!/usr/bin/env bash
# Installs everything mmctr needs on a fresh Debian 12 machine. Idempotent: a second
# run installs nothing and downloads nothing.
#   scripts/setup.sh           build + test dependencies, DuckDB
#   scripts/setup.sh --peers   also the Python peers the benchmarks compare against
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want_peers=0
[[ "${1:-}" == "--peers" ]] && want_peers=1

packages=(
  build-essential cmake ninja-build pkg-config git openssl
  libtorch-dev libgloo-dev libopenblas0-openmp
  libturbojpeg0-dev libpng-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
peer_packages=(python3-gensim python3-torch python3-pil python3-numpy)
[[ $want_peers == 1 ]] && packages+=("${peer_packages[@]}")
# Node.js images ship their own npm; Debian's npm package conflicts with it.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""; [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The pthread OpenBLAS fights OpenMP (used by LibTorch); if both variants are present,
# point the BLAS/LAPACK alternatives at the OpenMP one.
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3; do
  target="/usr/lib/$arch/openblas-openmp/$lib"
  if [[ -e "$target" ]] && update-alternatives --query "$lib-$arch" >/dev/null 2>&1; then
    current=$(update-alternatives --query "$lib-$arch" | awk '/^Value:/{print $2}')
    if [[ "$current" != "$target" ]]; then
      sudo_cmd=""; [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
      $sudo_cmd update-alternatives --set "$lib-$arch" "$target" >&2
    fi
  fi
done

# DuckDB: libduckdb.so and duckdb.h from the npm registry, checked against the pinned sha512.
duck="$root/third_party/duckdb"
if [[ ! -f "$duck/lib/libduckdb.so" || ! -f "$duck/include/duckdb.h" ]]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  while read -r name version integrity; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
    tarball=$(ls "$tmp"/*.tgz | grep -F -- "-$version.tgz" | head -n 1)
    actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [[ "$actual" != "$integrity" ]]; then
      echo "setup: error: $name@$version sha512 mismatch (got $actual, pinned $integrity)" >&2
      exit 1
    fi
    mkdir -p "$tmp/x-$name"; tar -xzf "$tarball" -C "$tmp/x-${name//\//_}" 2>/dev/null || { mkdir -p "$tmp/x-${name//\//_}"; tar -xzf "$tarball" -C "$tmp/x-${name//\//_}"; }
    rm -f "$tarball"
  done < "$root/third_party/duckdb.lock"
  mkdir -p "$duck/lib" "$duck/include"
  cp "$tmp/x-@duckdb_node-bindings-linux-x64/package/libduckdb.so" "$duck/lib/"
  cp "$tmp/x-duckdb/package/src/duckdb/src/include/duckdb.h" "$duck/include/"
  echo "setup: DuckDB 1.4.4 in $duck" >&2
fi
