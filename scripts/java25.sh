# Sourced by ./maas and ./dev: points JAVA_HOME at a Java 25 or newer, or explains how to get one.
java_feature() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }

find_java25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/* /opt/java/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] || continue
    if [[ "$(java_feature "$candidate/bin/java")" -ge 25 ]] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  if command -v java >/dev/null 2>&1 && [[ "$(java_feature java)" -ge 25 ]] 2>/dev/null; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return 0
  fi
  return 1
}

if ! JAVA_HOME="$(find_java25)"; then
  cat >&2 <<'MSG'
OpenMaaS needs Java 25 or newer (it binds llama.cpp with the Foreign Function & Memory API).
None was found in JAVA_HOME, /usr/lib/jvm or on the PATH. Install one, for example:
  Debian/Ubuntu:  apt-get install temurin-25-jdk   (after adding the Adoptium repository: https://adoptium.net/installation/linux)
  SDKMAN:         sdk install java 25-tem
then run this command again, or set JAVA_HOME to its folder.
MSG
  exit 1
fi
export JAVA_HOME
