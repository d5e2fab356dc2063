# Sourced by ./dev: makes sure Debian's chromium and its chromedriver are installed, for the console's browser tests
# (ConsoleBrowserTest, through org.openmaas.testing.Chromium). Run alone (scripts/chromium.sh) before a
# plain `mvn verify`. Without them those tests are skipped on a developer's machine and fail under CI.
chromium_installed() {
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]
}

ensure_chromium() {
  chromium_installed && return 0
  local sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  fi
  if command -v apt-get >/dev/null 2>&1; then
    echo "dev: installing chromium and chromium-driver with apt-get, for the console's browser tests (once)" >&2
    $sudo apt-get update -q >&2 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium chromium-driver >&2 || true
  fi
  chromium_installed && return 0
  echo "dev: /usr/bin/chromium or /usr/bin/chromedriver is missing; the console's browser tests will be skipped" \
       "(under CI they fail). Install them: apt-get install chromium chromium-driver" >&2
  return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  ensure_chromium
fi
