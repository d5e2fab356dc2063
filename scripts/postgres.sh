# Sourced by ./dev: makes sure PostgreSQL answers on 127.0.0.1:5432 for the store tests that run on it.
postgres_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h 127.0.0.1 -p 5432 -q
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

ensure_postgres() {
  postgres_answers && return 0
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
  if [[ -n "$version" ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "dev: starting PostgreSQL $version (it was not running)" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
      postgres_answers && return 0
      sleep 1
    done
  fi
  echo "dev: PostgreSQL does not answer on 127.0.0.1:5432; the store tests on PostgreSQL will be skipped" \
       "(under CI they fail). Install it (apt-get install postgresql) or start it." >&2
  return 0
}
