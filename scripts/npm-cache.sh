#!/usr/bin/env bash
# Installs the official `openai` npm package, at a pinned version, into a cache folder outside the repository, once,
# for OpenAiNodeClientTest: tests never reach the npm registry themselves. ./dev test sources this file and calls
# ensure_openai_node before Maven; run it alone (scripts/npm-cache.sh) before a plain `mvn verify`.
# The folder: $OPENMAAS_CACHE/openai-node (default ~/.cache/openmaas/openai-node; the test reads the same variable).
# When the package cannot be installed because npm is missing or the registry does not answer, the reason goes into
# openai-node.unavailable beside it, and the test skips printing it (under CI it fails). A failed install from a
# registry that answers fails this script.

OPENAI_NODE_VERSION="7.60.0"

openai_node_dir() {
  echo "${OPENMAAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openmaas}/openai-node"
}

# In a subshell, holding a lock: several checkouts on one machine share the cache and may run this at once.
ensure_openai_node() (
  dir="$(openai_node_dir)"
  unavailable="$dir.unavailable"
  installed="$dir/node_modules/openai/package.json"
  mkdir -p "$dir"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$dir.lock"
    flock 9
  fi
  if [[ -f "$installed" ]] && grep -q "\"version\": \"$OPENAI_NODE_VERSION\"" "$installed"; then
    rm -f "$unavailable"
    exit 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not on the PATH, so openai@$OPENAI_NODE_VERSION could not be installed" >"$unavailable"
    echo "dev: npm is not on the PATH; the test of the official OpenAI Node client will be skipped" >&2
    exit 0
  fi
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  # Asked once and briefly: an offline machine should not wait out npm's retries at every ./dev test.
  if ! npm ping --fetch-retries=0 --fetch-timeout=10000 >"$log" 2>&1; then
    { echo "the npm registry did not answer when openai@$OPENAI_NODE_VERSION was to be installed:"
      grep -m1 -E "^npm (error|ERR!) (FetchError|request to)|^npm (error|ERR!) code" "$log" || tail -1 "$log"; } >"$unavailable"
    echo "dev: the npm registry does not answer; the test of the official OpenAI Node client will be skipped" >&2
    exit 0
  fi
  echo "dev: installing openai@$OPENAI_NODE_VERSION into $dir (once)" >&2
  if npm --prefix "$dir" install "openai@$OPENAI_NODE_VERSION" --no-audit --no-fund >"$log" 2>&1; then
    rm -f "$unavailable"
    exit 0
  fi
  rm -rf "$dir/node_modules"   # a failed install must not look like a cache
  echo "dev: npm install openai@$OPENAI_NODE_VERSION failed although the registry answers:" >&2
  cat "$log" >&2
  exit 1
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  ensure_openai_node
fi
