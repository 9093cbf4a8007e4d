# Shared by .ci/release-rehearsal and .ci/previous-release-check (source it; needs bash, git, curl,
# psql, npm). Builds slugs the way Heroku's Node buildpack does, runs Procfile commands, times steps.
# shellcheck shell=bash

RELEASE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Databases are created (and dropped) on this server; any PostgreSQL you may CREATE DATABASE on.
RELEASE_SERVER_URL=${RELEASE_SERVER_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
# The admin the smoke script reads earlier data as (see .ci/release-smoke.mjs).
RELEASE_ADMIN_EMAIL=release-admin@example.com
RELEASE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/grading-release.XXXXXX")
release_databases=()
release_pids=()
release_timings=()

release_cleanup() {
  local pid database
  for pid in "${release_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for database in "${release_databases[@]}"; do
    psql "$RELEASE_SERVER_URL" -qc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$RELEASE_WORK"
}
trap release_cleanup EXIT

say() { printf '\n--> %s\n' "$*" >&2; }

# timed "label" command...: runs the command and records how long it took.
timed() {
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  release_timings+=("$(awk -v label="$label" -v s="$start" -v e="$end" 'BEGIN { printf "%-58s %7.1f s", label, e - s }')")
}

print_timings() {
  printf '\n%s\n' "$1"
  printf '  %s\n' "${release_timings[@]}"
}

# The release before this one: the merge-base with master (origin/master first) when there is one and
# it is not HEAD itself, else HEAD~1. PREVIOUS_RELEASE=<ref> overrides. Prints nothing without one.
previous_release() {
  local ref base head
  if [ -n "${PREVIOUS_RELEASE:-}" ]; then
    git -C "$RELEASE_ROOT" rev-parse --verify "${PREVIOUS_RELEASE}^{commit}"
    return
  fi
  head=$(git -C "$RELEASE_ROOT" rev-parse HEAD)
  for ref in origin/master master; do
    if git -C "$RELEASE_ROOT" rev-parse -q --verify "$ref^{commit}" >/dev/null; then
      base=$(git -C "$RELEASE_ROOT" merge-base HEAD "$ref" || true)
      if [ -n "$base" ] && [ "$base" != "$head" ]; then
        echo "$base"
        return
      fi
    fi
  done
  if [ "$(git -C "$RELEASE_ROOT" rev-parse --is-shallow-repository)" = true ] && ! git -C "$RELEASE_ROOT" rev-parse -q --verify 'HEAD~1^{commit}' >/dev/null; then
    echo "shallow clone: fetch more history (e.g. actions/checkout fetch-depth: 0) or set PREVIOUS_RELEASE" >&2
    return 1
  fi
  git -C "$RELEASE_ROOT" rev-parse -q --verify 'HEAD~1^{commit}' || true
}

# build_slug <commit> <dir>: the committed tree (as `git push heroku` sends it), `npm ci`,
# `npm run build`, devDependencies pruned. With RELEASE_SLUG_CACHE set, a slug built earlier for the
# same commit is linked from there instead (.ci/run builds the previous release once for two steps).
build_slug() {
  local commit=$1 dir=$2 cached
  cached=${RELEASE_SLUG_CACHE:+$RELEASE_SLUG_CACHE/$commit}
  if [ -n "$cached" ]; then
    if [ -f "$cached/.slug-complete" ]; then
      echo "slug of ${commit:0:12}: reused from $RELEASE_SLUG_CACHE" >&2
    else
      rm -rf "$cached.partial"
      build_slug_in "$commit" "$cached.partial"
      touch "$cached.partial/.slug-complete"
      mv "$cached.partial" "$cached"
    fi
    ln -s "$cached" "$dir" # slugs are only read from: a link, not a copy of node_modules
  else
    build_slug_in "$commit" "$dir"
  fi
}

build_slug_in() {
  local commit=$1 dir=$2
  mkdir -p "$dir"
  git -C "$RELEASE_ROOT" archive "$commit" | tar -x -C "$dir"
  (
    cd "$dir"
    npm ci --no-audit --no-fund --loglevel=error
    npm run build --silent
    npm prune --omit=dev --no-audit --no-fund --loglevel=error
  ) >&2
  [ ! -d "$dir/node_modules/jest" ] || { echo "devDependencies were not pruned in $dir" >&2; return 1; }
}

# new_database <label>: creates a database on RELEASE_SERVER_URL (dropped on exit) and sets
# NEW_DATABASE_URL. Not a $(...) function: the name must reach release_databases in this shell.
new_database() {
  local name="grading_$1_$$_$RANDOM"
  psql "$RELEASE_SERVER_URL" -qc "CREATE DATABASE \"$name\"" >&2
  release_databases+=("$name")
  NEW_DATABASE_URL="${RELEASE_SERVER_URL%/*}/$name"
}

procfile_command() { sed -n "s/^$2: *//p" "$1/Procfile"; }

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# The environment of a dyno: production, a JWT secret, no SendGrid (login emails go to the log).
dyno_env=(env -u REDIS_URL -u SENDGRID_API_KEY -u SENDGRID_BASE_URL -u SEED_DEMO_DATA
  NODE_ENV=production LOG_LEVEL=info ADMIN_EMAILS="$RELEASE_ADMIN_EMAIL"
  JWT_SECRET="release-check-$$-0123456789abcdef0123456789abcdef")

# run_release <slug> <database url>: the Procfile's release command, as the release phase runs it.
run_release() {
  local command
  command=$(procfile_command "$1" release)
  echo "release: $command" >&2
  (cd "$1" && "${dyno_env[@]}" DATABASE_URL="$2" bash -c "$command") >&2
}

# start_web <slug> <database url> <log file>: the Procfile's web command on a free PORT, in the
# background. Sets WEB_PID and WEB_URL; returns once GET /ready answers 200.
start_web() {
  local slug=$1 database_url=$2 log=$3 command port
  command=$(procfile_command "$slug" web)
  port=$(free_port)
  echo "web: $command (PORT=$port, log $log)" >&2
  # exec all the way down: WEB_PID is the web process itself, so SIGTERM reaches it as on a dyno.
  (cd "$slug" && exec "${dyno_env[@]}" PORT="$port" DATABASE_URL="$database_url" bash -c "exec $command") >"$log" 2>&1 &
  WEB_PID=$!
  WEB_URL="http://127.0.0.1:$port"
  release_pids+=("$WEB_PID")
  for _ in $(seq 1 120); do
    if curl -fsS "$WEB_URL/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$WEB_PID" 2>/dev/null || { echo "web exited before it was ready:" >&2; tail -20 "$log" >&2; return 1; }
    sleep 0.25
  done
  echo "web did not become ready within 30 s:" >&2
  tail -20 "$log" >&2
  return 1
}

health_check() {
  echo "GET /      -> $(curl -fsS "$1/")" >&2
  echo "GET /ready -> $(curl -fsS "$1/ready")" >&2
}

# stop_web <pid> <name>: SIGTERM (Heroku's stop signal); the process must exit 0 within 30 s.
stop_web() {
  local pid=$1 status=0
  kill -TERM "$pid"
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || { echo "$2 exited $status after SIGTERM" >&2; return 1; }
  echo "$2 stopped cleanly on SIGTERM" >&2
}

# smoke <slug whose smoke script to prefer> <web url> <log> [--expect-course ID]: the smoke subset
# over HTTP. A release that ships .ci/release-smoke.mjs is checked with its own copy (it matches that
# release's API); older ones with this commit's.
smoke() {
  local slug=$1 url=$2 log=$3 script
  shift 3
  script="$slug/.ci/release-smoke.mjs"
  [ -f "$script" ] || script="$RELEASE_ROOT/.ci/release-smoke.mjs"
  node "$script" --url "$url" --log "$log" "$@" || {
    echo "smoke failed; the server's last log lines ($log):" >&2
    tail -n 15 "$log" >&2
    return 1
  }
}
