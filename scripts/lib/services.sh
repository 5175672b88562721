# shellcheck shell=bash
# Test services: picks (or starts) a PostgreSQL server and an MQTT broker.
# Needs common.sh and the caller's TMP_DIR. Exports TEST_DATABASE_URL and SHUIWU_TEST_MQTT_URL.

DEFAULT_PG_URL='postgres://postgres@127.0.0.1:5432/postgres'
DEFAULT_MQTT_URL='mqtt://127.0.0.1:1883'

PRIVATE_PG_STARTED=0
PRIVATE_PG_BINDIR=''
PRIVATE_PG_DATA=''
PRIVATE_PG_EXTRA_DIRS=() # mktemp dirs to remove when the cluster stops

# pg_url_reachable URL: true if a server at URL accepts connections (pg_isready, 3 s).
pg_url_reachable() {
  local url=$1
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -t 3 -d "$url" >/dev/null 2>&1
  else
    # No client tools: fall back to a TCP probe of host:port (URL form only).
    local rest=${url#*://}
    rest=${rest#*@}
    rest=${rest%%/*}
    local host=${rest%%:*} port=5432
    [[ $rest == *:* ]] && port=${rest##*:}
    [[ -n $host ]] && tcp_open "$host" "$port"
  fi
}

# pg_url_login URL: true if we can log in and run a query (or psql is absent, so we can't tell).
pg_url_login() {
  command -v psql >/dev/null 2>&1 || return 0
  PGCONNECT_TIMEOUT=5 psql "$1" -X -A -t -q -c 'select 1' >/dev/null 2>&1
}

# pg_url_is_superuser URL: prints a warning unless the role can create databases.
pg_url_check_admin() {
  command -v psql >/dev/null 2>&1 || return 0
  local can
  can=$(PGCONNECT_TIMEOUT=5 psql "$1" -X -A -t -q -c \
    'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' 2>/dev/null || true)
  [[ $can == t ]] || warn "the role in $(redact_url "$1") cannot create databases; database tests will fail"
}

# Hide a password in a URL for printing.
redact_url() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

# find_pg_bindir: prints the directory holding initdb and pg_ctl (newest /usr/lib/postgresql first, then PATH).
find_pg_bindir() {
  local d
  while IFS= read -r d; do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
      printf '%s\n' "$d"
      return 0
    fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
  local initdb
  initdb=$(command -v initdb 2>/dev/null) || return 1
  d=$(dirname "$(readlink -f "$initdb")")
  if [[ -x $d/pg_ctl ]]; then
    printf '%s\n' "$d"
    return 0
  fi
  return 1
}

# run_as_pg CMD...: as root, run CMD as the postgres user (initdb and postgres refuse root).
run_as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# prepare_pg_dir DIR: create DIR (empty) owned by whoever runs the server.
prepare_pg_dir() {
  mkdir -p "$1"
  if is_root; then chown postgres: "$1"; fi
  chmod 700 "$1"
}

start_private_pg() {
  PRIVATE_PG_BINDIR=$(find_pg_bindir) ||
    die "no PostgreSQL server reachable and no initdb found (looked in /usr/lib/postgresql/*/bin and PATH); install postgresql-15"
  if is_root && ! id postgres >/dev/null 2>&1; then
    die "running as root but there is no 'postgres' user to run initdb as"
  fi
  info "PostgreSQL binaries: $PRIVATE_PG_BINDIR ($("$PRIVATE_PG_BINDIR/postgres" --version 2>/dev/null || echo '?'))"

  local base="$TMP_DIR"
  PRIVATE_PG_DATA="$base/pgdata"
  # A cluster left running by an interrupted run: stop it before wiping it.
  if [[ -f $PRIVATE_PG_DATA/postmaster.pid ]]; then
    info "stopping a cluster left over from an earlier run"
    run_as_pg "$PRIVATE_PG_BINDIR/pg_ctl" -D "$PRIVATE_PG_DATA" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
  fi
  rm -rf "$PRIVATE_PG_DATA"
  prepare_pg_dir "$PRIVATE_PG_DATA"
  # The postgres user may be unable to reach the work tree (e.g. under /root): fall back to /tmp.
  if ! run_as_pg test -w "$PRIVATE_PG_DATA" 2>/dev/null; then
    rm -rf "$PRIVATE_PG_DATA"
    base=$(mktemp -d /tmp/shuiwu-pg.XXXXXX)
    chmod 755 "$base"
    PRIVATE_PG_EXTRA_DIRS+=("$base")
    PRIVATE_PG_DATA="$base/pgdata"
    prepare_pg_dir "$PRIVATE_PG_DATA"
    info "work tree not writable by the postgres user; cluster lives in $base"
  fi

  local sockdir="$base/pgsock"
  # Unix socket paths are limited to ~107 bytes.
  if ((${#sockdir} > 80)); then
    sockdir=$(mktemp -d /tmp/shuiwu-pgsock.XXXXXX)
    PRIVATE_PG_EXTRA_DIRS+=("$sockdir")
  fi
  rm -rf "$sockdir"
  prepare_pg_dir "$sockdir"
  chmod 755 "$sockdir"

  local port=${SHUIWU_TEST_PG_PORT:-55432} tries=0
  while tcp_open 127.0.0.1 "$port" || [[ -e $sockdir/.s.PGSQL.$port ]]; do
    ((++tries < 20)) || die "no free port for the private PostgreSQL cluster near ${SHUIWU_TEST_PG_PORT:-55432}"
    info "port $port busy, trying $((port + 1))"
    port=$((port + 1))
  done

  local logfile="$base/postgres.log"
  : >"$logfile"
  if is_root; then chown postgres: "$logfile"; fi

  local locale=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi

  local start; start=$(now_ms)
  if ! run_as_pg "$PRIVATE_PG_BINDIR/initdb" -D "$PRIVATE_PG_DATA" -U postgres -A trust -E UTF8 \
    --locale="$locale" --no-sync --no-instructions >"$base/initdb.log" 2>&1; then
    cat "$base/initdb.log" >&2
    die "initdb failed"
  fi

  local q_sock=${sockdir//\'/\'\'}
  cat >>"$PRIVATE_PG_DATA/postgresql.conf" <<CONF

# --- added by scripts/test.sh (private test cluster) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$q_sock'
max_connections = 200
CONF

  # From here on the EXIT trap must stop the server, even if pg_ctl gives up waiting.
  PRIVATE_PG_STARTED=1
  if ! run_as_pg "$PRIVATE_PG_BINDIR/pg_ctl" -D "$PRIVATE_PG_DATA" -l "$logfile" -w -t 60 \
    -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
    tail -n 40 "$logfile" >&2
    die "pg_ctl could not start the private cluster (log: $logfile)"
  fi
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  ok "private cluster up on 127.0.0.1:$port in $(fmt_ms $(($(now_ms) - start))) (data: $PRIVATE_PG_DATA, log: $logfile)"
}

stop_private_pg() {
  ((PRIVATE_PG_STARTED)) || return 0
  PRIVATE_PG_STARTED=0
  if [[ -f $PRIVATE_PG_DATA/postmaster.pid ]]; then
    run_as_pg "$PRIVATE_PG_BINDIR/pg_ctl" -D "$PRIVATE_PG_DATA" stop -m fast -w -t 30 >/dev/null 2>&1 ||
      run_as_pg "$PRIVATE_PG_BINDIR/pg_ctl" -D "$PRIVATE_PG_DATA" stop -m immediate -w -t 30 >/dev/null 2>&1 ||
      warn "could not stop the private PostgreSQL cluster in $PRIVATE_PG_DATA"
  fi
  if [[ ! -f $PRIVATE_PG_DATA/postmaster.pid ]]; then
    rm -rf "$PRIVATE_PG_DATA"
    if ((${#PRIVATE_PG_EXTRA_DIRS[@]})); then rm -rf "${PRIVATE_PG_EXTRA_DIRS[@]}"; fi
    info "private PostgreSQL cluster stopped"
  fi
}

# select_database: sets and exports TEST_DATABASE_URL (an admin URL; tests create their own databases).
select_database() {
  section "Database"
  if [[ ${SHUIWU_TEST_FORCE_PRIVATE_PG:-0} == 1 ]]; then
    info "SHUIWU_TEST_FORCE_PRIVATE_PG=1: skipping existing servers"
    start_private_pg
  elif [[ -n ${TEST_DATABASE_URL:-} ]] && pg_url_reachable "$TEST_DATABASE_URL"; then
    info "using TEST_DATABASE_URL as given: $(redact_url "$TEST_DATABASE_URL")"
  elif [[ -n ${DATABASE_URL:-} ]] && pg_url_reachable "$DATABASE_URL"; then
    export TEST_DATABASE_URL=$DATABASE_URL
    info "using DATABASE_URL: $(redact_url "$TEST_DATABASE_URL")"
  else
    if [[ -n ${TEST_DATABASE_URL:-} ]]; then
      warn "TEST_DATABASE_URL is set but not reachable: $(redact_url "$TEST_DATABASE_URL")"
    fi
    if [[ -n ${DATABASE_URL:-} ]]; then
      warn "DATABASE_URL is set but not reachable: $(redact_url "$DATABASE_URL")"
    fi
    if pg_url_reachable "$DEFAULT_PG_URL" && pg_url_login "$DEFAULT_PG_URL"; then
      export TEST_DATABASE_URL=$DEFAULT_PG_URL
      info "using the local server: $TEST_DATABASE_URL"
    else
      info "no usable server on 127.0.0.1:5432; starting a private cluster"
      start_private_pg
    fi
  fi
  pg_url_check_admin "$TEST_DATABASE_URL"
  ok "TEST_DATABASE_URL=$(redact_url "$TEST_DATABASE_URL")"
}

# ensure_mqtt: exports SHUIWU_TEST_MQTT_URL and starts mosquitto if nothing listens on 1883.
ensure_mqtt() {
  section "MQTT broker"
  export SHUIWU_TEST_MQTT_URL=${SHUIWU_TEST_MQTT_URL:-$DEFAULT_MQTT_URL}
  if [[ $SHUIWU_TEST_MQTT_URL != "$DEFAULT_MQTT_URL" ]]; then
    info "SHUIWU_TEST_MQTT_URL given: $SHUIWU_TEST_MQTT_URL (not checked)"
    return 0
  fi
  if tcp_open 127.0.0.1 1883; then
    ok "broker already listening on 127.0.0.1:1883"
    return 0
  fi
  local bin
  bin=$(PATH="$PATH:/usr/sbin:/sbin" command -v mosquitto 2>/dev/null) || {
    warn "nothing listens on 1883 and mosquitto is not installed; MQTT tests will fail"
    return 0
  }
  # Without a config file mosquitto 2.x listens on 1883, loopback only. It is left running,
  # like the machine's own services.
  if "$bin" -d; then
    local _
    for _ in $(seq 1 50); do
      if tcp_open 127.0.0.1 1883; then
        ok "started mosquitto on 127.0.0.1:1883"
        return 0
      fi
      sleep 0.1
    done
  fi
  warn "could not start mosquitto on 1883; MQTT tests will fail"
}
