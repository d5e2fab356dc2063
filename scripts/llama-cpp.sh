#!/usr/bin/env bash
# Today's llama.cpp, from the npm registry (ARCHITECTURE §5b), cached outside the repository and never committed:
#   scripts/llama-cpp.sh libs     the folder of the prebuilt shared libraries (libllama, libggml, one libggml-cpu-*
#                                 per CPU generation), from @node-llama-cpp/linux-x64
#   scripts/llama-cpp.sh source   the folder of the same release's source, cloned from the git bundle that the
#                                 node-llama-cpp package ships (include/llama.h, tools, models/templates, vocab GGUFs)
#   scripts/llama-cpp.sh tools    the folder of llama-server, llama-bench and llama-batched-bench, built once from
#                                 that source (about 10 minutes on 2 cores)
# Each prints the folder on stdout and what it does on stderr. The packages are pinned and their integrity checked;
# the cache is $OPENMAAS_CACHE, else $XDG_CACHE_HOME/openmaas, else ~/.cache/openmaas.
set -euo pipefail

version=3.22.1
# npm's sha512 integrity of each pinned tarball (`npm view <package>@<version> dist.integrity`).
libs_package=@node-llama-cpp/linux-x64
libs_integrity=sha512-5uCCDNqWCNfaAm8aR/Uzxbo4HBpKgNF91kCHPepKhgMgV2OAmatoefbOlMihsqCiH2Od35E/eUHQCFbfRBJuOg==
source_package=node-llama-cpp
source_integrity=sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw==

cache="${OPENMAAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openmaas}/llama.cpp-$version"

say() { echo "llama-cpp: $*" >&2; }
fail() { say "$*"; exit 1; }

# Fetches one pinned package into $cache/<name>/package (once), checking its integrity before anything is unpacked.
fetched() {
  local package="$1" integrity="$2" name="$3"
  local dest="$cache/$name"
  if [[ -d "$dest/package" ]]; then
    echo "$dest/package"
    return
  fi
  command -v npm >/dev/null || fail "npm is needed to fetch $package@$version (apt-get install npm), or point" \
    "--llama-lib / MAAS_LLAMA_LIB at your own llama.cpp build"
  local work
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/.fetch-XXXXXX")"
  say "fetching $package@$version (once; cached in $dest)"
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null) || { rm -rf "$work"; fail "npm pack $package@$version failed"; }
  local tarball actual
  tarball="$(ls "$work"/*.tgz)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    rm -rf "$work"
    fail "$package@$version does not match its pinned integrity (got $actual); nothing was unpacked"
  fi
  tar -xzf "$tarball" -C "$work"
  rm -f "$tarball"
  mkdir -p "$dest"
  mv "$work/package" "$dest/package" # a rename: a cache folder is whole or absent, never half-written
  rmdir "$work"
  echo "$dest/package"
}

libs() {
  local package
  package="$(fetched "$libs_package" "$libs_integrity" libs)"
  echo "$package/bins/linux-x64"
}

source_tree() {
  local dest="$cache/source"
  if [[ ! -f "$dest/include/llama.h" ]]; then
    local package
    package="$(fetched "$source_package" "$source_integrity" node-llama-cpp)"
    say "cloning the llama.cpp source from $source_package's git bundle"
    rm -rf "$dest.tmp"
    git -c advice.detachedHead=false clone -q "$package/llama/gitRelease.bundle" "$dest.tmp"
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

# The tools are built from the source but run on the prebuilt libraries: only the executables (and the helper
# libraries they own, llama-common and mtmd) are compiled here, and libllama, libggml and the per-CPU backends are the
# very files the embedded engine loads. So a benchmark compares OpenMaaS with llama.cpp on the same kernels, and the
# tools avoid the AMX fault of a local build: a -march=native GCC 12 build of this release faults in
# ggml_backend_amx_mul_mat (ldtilecfg, general protection) on AMX machines (Sapphire Rapids and later) for every Q8_0
# model, where the prebuilt (GCC 11) libraries run it.
tools() {
  local dest="$cache/tools"
  if [[ ! -x "$dest/llama-server" || ! -e "$dest/.prebuilt-backends" ]]; then
    local src build prebuilt
    src="$(source_tree)"
    prebuilt="$(libs)"
    build="$cache/build-shared"
    command -v cmake >/dev/null || fail "cmake is needed to build llama-server (apt-get install cmake ninja-build g++)"
    say "building llama-server, llama-bench and llama-batched-bench from $src (once; about 10 minutes on 2 cores)"
    local generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=ON -DGGML_BACKEND_DL=ON \
      -DGGML_CPU=OFF -DGGML_NATIVE=OFF -DCMAKE_BUILD_RPATH='$ORIGIN' -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON \
      -DCMAKE_INSTALL_RPATH='$ORIGIN' >&2
    cmake --build "$build" --target llama-server llama-bench llama-batched-bench -j "$(nproc)" >&2
    rm -rf "$dest.tmp"
    mkdir -p "$dest.tmp"
    cp "$build/bin/llama-server" "$build/bin/llama-bench" "$build/bin/llama-batched-bench" "$dest.tmp/"
    local lib name
    for lib in "$build"/bin/lib*.so*; do
      name="$(basename "$lib")"
      case "$name" in
        libllama.so*) ln -s "$prebuilt/libllama.v0.5.0.so" "$dest.tmp/$name" ;;
        libggml.so*) ln -s "$prebuilt/libggml.v0.5.0.so" "$dest.tmp/$name" ;;
        libggml-base.so*) ln -s "$prebuilt/libggml-base.so" "$dest.tmp/$name" ;;
        *) cp -P "$lib" "$dest.tmp/" ;;
      esac
    done
    for lib in "$prebuilt"/libggml-cpu-*.so; do
      ln -s "$lib" "$dest.tmp/$(basename "$lib")"
    done
    touch "$dest.tmp/.prebuilt-backends"
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
  fi
  echo "$dest"
}

case "${1:-}" in
  libs) libs ;;
  source) source_tree ;;
  tools) tools ;;
  *) echo "usage: scripts/llama-cpp.sh libs | source | tools" >&2; exit 2 ;;
esac
