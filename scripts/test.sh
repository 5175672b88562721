#!/usr/bin/env bash
# Full test run for Shuiwu (`npm test`; CI runs it through .ci/run after `npm ci`).
#
#   bash scripts/test.sh                 all steps: typecheck lint boundaries vitest build e2e
#   bash scripts/test.sh vitest e2e      only the named steps (services are still set up)
#   bash scripts/test.sh --exec CMD...   set up services, run CMD with the test environment, tear down
#
# Environment knobs:
#   TEST_DATABASE_URL / DATABASE_URL     use this PostgreSQL server (admin URL) if reachable
#   SHUIWU_TEST_FORCE_PRIVATE_PG=1       ignore existing servers, start a private cluster in .tmp/
#   SHUIWU_TEST_PG_PORT                  port of the private cluster (default 55432)
#   SHUIWU_TEST_SKIP_SYSTEM_PACKAGES=1   do not check/install Debian packages
#   SHUIWU_TEST_STEP_TIMEOUT_MIN         per-step time limit in minutes (default 20)
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT_DIR"
TMP_DIR="$ROOT_DIR/.tmp"
LOG_DIR="$TMP_DIR/logs"
mkdir -p "$LOG_DIR"

# shellcheck source=scripts/lib/common.sh
source "$ROOT_DIR/scripts/lib/common.sh"
# shellcheck source=scripts/lib/services.sh
source "$ROOT_DIR/scripts/lib/services.sh"
# shellcheck source=scripts/lib/system-packages.sh
source "$ROOT_DIR/scripts/lib/system-packages.sh"

ALL_STEPS=(typecheck lint boundaries vitest build e2e)
step_command() {
  case $1 in
    typecheck) echo "npm run typecheck" ;;
    lint) echo "npm run lint" ;;
    boundaries) echo "npm run boundaries" ;;
    vitest) echo "npx vitest run" ;;
    build) echo "npm run build:web" ;;
    e2e) echo "npx playwright test -c e2e/playwright.config.ts" ;;
    *) return 1 ;;
  esac
}

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

EXEC_CMD=()
STEPS=()
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --exec)
      shift
      (($#)) || die "--exec needs a command"
      EXEC_CMD=("$@")
      break
      ;;
    *)
      step_command "$1" >/dev/null || die "unknown step '$1' (steps: ${ALL_STEPS[*]})"
      STEPS+=("$1")
      ;;
  esac
  shift
done
((${#STEPS[@]})) || STEPS=("${ALL_STEPS[@]}")

RUN_START=$(now_ms)

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  set +e
  stop_private_pg
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Never let a test tool fetch a browser: Debian's /usr/bin/chromium is used (e2e/playwright.config.ts).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1

section "Environment"
info "repo:     $ROOT_DIR"
info "node:     $(node --version 2>/dev/null || echo 'not found')   npm: $(npm --version 2>/dev/null || echo 'not found')"
info "user:     $(id -un) (uid $(id -u))   CI=${CI:-}"
[[ -d node_modules ]] || die "node_modules is missing: run 'npm ci' (or 'npm install') first"

if [[ ${SHUIWU_TEST_SKIP_SYSTEM_PACKAGES:-0} == 1 ]]; then
  section "System packages"
  info "skipped (SHUIWU_TEST_SKIP_SYSTEM_PACKAGES=1)"
else
  ensure_system_packages
fi
if [[ -x /usr/bin/chromium ]]; then
  info "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
else
  warn "/usr/bin/chromium not found; the e2e step will fail"
fi

select_database
ensure_mqtt

if ((${#EXEC_CMD[@]})); then
  section "exec: ${EXEC_CMD[*]}"
  set +e
  "${EXEC_CMD[@]}"
  rc=$?
  set -e
  exit "$rc"
fi

# ---------------------------------------------------------------------------------------------
# Steps. Each is timed, logged to .tmp/logs/<step>.log, and the run stops at the first failure.
STEP_TIMEOUT_MIN=${SHUIWU_TEST_STEP_TIMEOUT_MIN:-20}
declare -A STEP_RESULT=() STEP_MS=()
TESTS_PASSED=0 TESTS_FAILED=0 TESTS_SKIPPED=0 TESTS_COUNTED=0

# count_tests STEP LOG: add the step's test counts (vitest / playwright summaries) to the totals.
count_tests() {
  local step=$1 log=$2 counts
  case $step in
    vitest)
      # "      Tests  2 failed | 40 passed | 1 skipped (43)"
      # A test file that fails to load only shows in "Test Files  1 failed | ...": count it as a failure.
      counts=$(strip_ansi <"$log" | awk '
        /^[ \t]*Tests[ \t]+[0-9]/ { line = $0 }
        /^[ \t]*Test Files[ \t]+[0-9]/ { files = $0 }
        END {
          if (line == "" && files == "") exit
          n = split(line, w, /[ \t|()]+/); p = f = s = 0
          for (i = 1; i < n; i++) if (w[i] ~ /^[0-9]+$/) {
            if (w[i+1] == "passed") p += w[i]
            else if (w[i+1] == "failed") f += w[i]
            else if (w[i+1] == "skipped" || w[i+1] == "todo") s += w[i]
          }
          if (f == 0 && match(files, /[0-9]+ failed/)) f = substr(files, RSTART, RLENGTH) + 0
          print p, f, s
        }')
      ;;
    e2e)
      # Playwright closing block: "  3 passed (4.1s)", "  1 failed", "  1 skipped", "  1 flaky"
      counts=$(strip_ansi <"$log" | awk '
        match($0, /^[ \t]+[0-9]+ (passed|flaky|failed|interrupted|did not run|skipped)/) {
          seen = 1; n = $1 + 0
          if ($2 == "passed" || $2 == "flaky") p += n
          else if ($2 == "skipped") s += n
          else f += n
        }
        END { if (seen) print p + 0, f + 0, s + 0 }')
      ;;
    *) return 0 ;;
  esac
  [[ -n $counts ]] || return 0
  local p f s
  read -r p f s <<<"$counts"
  TESTS_PASSED=$((TESTS_PASSED + p)) TESTS_FAILED=$((TESTS_FAILED + f)) TESTS_SKIPPED=$((TESTS_SKIPPED + s))
  TESTS_COUNTED=1
}

run_step() {
  local idx=$1 step=$2 cmd log start rc
  cmd=$(step_command "$step")
  log="$LOG_DIR/$step.log"
  section "[$idx/${#STEPS[@]}] $step: $cmd"
  start=$(now_ms)
  set +e
  # shellcheck disable=SC2086 # the command strings above are simple words
  timeout -k 30s "${STEP_TIMEOUT_MIN}m" $cmd 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  STEP_MS[$step]=$(($(now_ms) - start))
  count_tests "$step" "$log"
  if ((rc == 0)); then
    STEP_RESULT[$step]=ok
    ok "<== $step passed in $(fmt_ms "${STEP_MS[$step]}")"
  else
    STEP_RESULT[$step]=FAILED
    if ((rc == 124)); then
      err "<== $step timed out after ${STEP_TIMEOUT_MIN} min (log: ${log#"$ROOT_DIR"/})"
    else
      err "<== $step FAILED (exit $rc) after $(fmt_ms "${STEP_MS[$step]}") (log: ${log#"$ROOT_DIR"/})"
    fi
  fi
  return "$rc"
}

FAILED_STEP='' FAILED_RC=0
i=0
for step in "${STEPS[@]}"; do
  i=$((i + 1))
  run_step "$i" "$step" || {
    FAILED_RC=$?
    FAILED_STEP=$step
    break
  }
done

# Stop the private cluster now (the EXIT trap would too) so the summary lines come last.
stop_private_pg

section "Summary"
parts=()
for step in "${STEPS[@]}"; do
  if [[ -n ${STEP_RESULT[$step]:-} ]]; then
    printf '    %-11s %-7s %s\n' "$step" "${STEP_RESULT[$step]}" "$(fmt_ms "${STEP_MS[$step]}")"
    parts+=("$step ${STEP_RESULT[$step]} $(fmt_ms "${STEP_MS[$step]}")")
  else
    printf '    %-11s %s\n' "$step" "not run"
  fi
done
total=$(fmt_ms $(($(now_ms) - RUN_START)))
joined=$(printf '%s, ' "${parts[@]}")
joined=${joined%, }
if [[ -n $FAILED_STEP ]]; then
  echo "SUMMARY: FAILED at step '$FAILED_STEP' after $total ($joined)"
else
  echo "SUMMARY: all ${#STEPS[@]} steps passed in $total ($joined)"
fi
# Plain closing line with the test counts of vitest and playwright.
if ((TESTS_COUNTED)); then
  echo "tests: $TESTS_PASSED passed, $TESTS_FAILED failed, $TESTS_SKIPPED skipped"
fi
if [[ -n $FAILED_STEP ]]; then exit "$FAILED_RC"; fi
exit 0
