# shellcheck shell=bash
# Installs the Debian packages the test suite needs (when root) or reports what is missing.
# Needs common.sh and services.sh (for pg_url_reachable / find_pg_bindir).

# pkg_installed NAME: true if dpkg reports the package as fully installed.
pkg_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

# postgres_server_needed: true if neither a reachable server nor a local initdb exists.
postgres_server_needed() {
  if [[ -n "${TEST_DATABASE_URL:-}" ]] && pg_url_reachable "$TEST_DATABASE_URL"; then return 1; fi
  if [[ -n "${DATABASE_URL:-}" ]] && pg_url_reachable "$DATABASE_URL"; then return 1; fi
  if pg_url_reachable "$DEFAULT_PG_URL"; then return 1; fi
  if find_pg_bindir >/dev/null; then return 1; fi
  return 0
}

ensure_system_packages() {
  section "System packages"
  if ! command -v dpkg >/dev/null 2>&1; then
    warn "dpkg not found (not Debian?); skipping package checks. Needed: PostgreSQL, chromium, fonts-noto-cjk, poppler-utils, mosquitto."
    return 0
  fi

  local wanted=(chromium fonts-noto-cjk poppler-utils mosquitto)
  if postgres_server_needed; then
    wanted=(postgresql-15 "${wanted[@]}")
  fi

  local missing=() pkg
  for pkg in "${wanted[@]}"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done

  if ((${#missing[@]} == 0)); then
    ok "all present: ${wanted[*]}"
    return 0
  fi

  if ! is_root; then
    warn "missing Debian packages (not root, not installing): ${missing[*]}"
    warn "install with: sudo apt-get install --no-install-recommends ${missing[*]}"
    return 0
  fi

  info "installing: ${missing[*]}"
  local apt_opts=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
  local log="$TMP_DIR/apt.log"
  local start; start=$(now_ms)
  if ! apt-get "${apt_opts[@]}" update >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    warn "apt-get update failed; trying the install anyway"
  fi
  if DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends \
    "${missing[@]}" >>"$log" 2>&1; then
    ok "installed ${missing[*]} in $(fmt_ms $(($(now_ms) - start)))"
  else
    tail -n 30 "$log" >&2
    warn "apt-get install failed (full log: $log); tests needing ${missing[*]} will fail"
  fi
}
