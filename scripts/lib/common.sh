# shellcheck shell=bash
# Shared helpers for scripts/test.sh: logging, timing, small probes.
# Sourced, never executed; relies on the caller's `set -euo pipefail`.

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  _C_BOLD=$'\e[1m' _C_RED=$'\e[31m' _C_GREEN=$'\e[32m' _C_YELLOW=$'\e[33m' _C_RESET=$'\e[0m'
else
  _C_BOLD='' _C_RED='' _C_GREEN='' _C_YELLOW='' _C_RESET=''
fi

section() { printf '\n%s==> %s%s\n' "$_C_BOLD" "$*" "$_C_RESET"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '%s    WARNING: %s%s\n' "$_C_YELLOW" "$*" "$_C_RESET" >&2; }
err() { printf '%s    ERROR: %s%s\n' "$_C_RED" "$*" "$_C_RESET" >&2; }
ok() { printf '%s    %s%s\n' "$_C_GREEN" "$*" "$_C_RESET"; }
die() { err "$*"; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Milliseconds since the epoch.
now_ms() { date +%s%3N; }

# Human duration from milliseconds: 950ms, 12.3s, 4m05s.
fmt_ms() {
  local ms=$1
  if ((ms < 1000)); then
    printf '%dms' "$ms"
  elif ((ms < 60000)); then
    printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
  else
    printf '%dm%02ds' $((ms / 60000)) $((ms % 60000 / 1000))
  fi
}

# tcp_open HOST PORT: true if something accepts a TCP connection there (2 s limit).
tcp_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Remove ANSI escape sequences from stdin.
strip_ansi() { sed -E $'s/\x1b\\[[0-9;?]*[ -\\/]*[@-~]//g'; }
