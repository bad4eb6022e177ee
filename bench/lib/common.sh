# bench/lib/common.sh — shared shell helpers for the live-media benchmarks (sourced, not run).
#
# Provides: log/die, bench_start (cd to the repo, bring the dev system up, load .dev/env), the machine string,
# stream create/delete through the API, cached pre-encoded FLV fixtures, and markdown result files.
# Expects the caller to have `set -euo pipefail` and to set BENCH_NAME before sourcing.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_LIB="$BENCH_ROOT/bench/lib"
BENCH_RESULTS_DIR="$BENCH_ROOT/bench/results"
BENCH_CACHE="${BENCH_CACHE:-$BENCH_RESULTS_DIR/cache}"
BENCH_NAME="${BENCH_NAME:-bench}"

log() { printf '[%s] %s\n' "$BENCH_NAME" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$BENCH_NAME" "$*" >&2; exit 1; }

need() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done
}

# apt_install PKG... — installs Debian packages (as root or through sudo); used only for bench tools.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install $*"
    sudo="sudo"
  fi
  log "installing $* (apt-get, for the benchmark only)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
    || { $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# ---------------------------------------------------------------- dev system
bench_start() {
  cd "$BENCH_ROOT"
  need curl python3 ffmpeg
  local env_file="${SG_ENV_FILE:-$BENCH_ROOT/.dev/env}"
  if ! { [ -f "$env_file" ] && (set -a; . "$env_file"; curl -fsS --max-time 5 "$SG_BASE_URL/livez" >/dev/null 2>&1); }; then
    [ -x "$BENCH_ROOT/dev" ] || die "the gateway is not up and ./dev is missing"
    log "gateway not reachable; running ./dev up"
    "$BENCH_ROOT/dev" up
  fi
  # shellcheck disable=SC1090
  set -a; . "$env_file"; set +a
  local v
  for v in SG_BASE_URL SG_API_URL SG_API_KEY SG_RTMP_URL SG_HLS_URL; do
    [ -n "${!v:-}" ] || die "$v is not set in $env_file"
  done
  MEDIA_ROOT="${SG_MEDIA_ROOT:-$BENCH_ROOT/.dev/media}/live"
  GATEWAY_PID_FILE="${SG_GATEWAY_PID_FILE:-$BENCH_ROOT/.dev/run/gateway.pid}"
  mkdir -p "$BENCH_RESULTS_DIR" "$BENCH_CACHE"
}

# gateway_pid — the gateway's pid; with several nodes (`./dev up --nodes N`), every node's pid, comma-separated
# (bench/lib/proctree.py counts them as one gateway).
gateway_pid() {
  local file pid pids=()
  for file in "$GATEWAY_PID_FILE" "$(dirname "$GATEWAY_PID_FILE")"/gateway-*.pid; do
    [ -f "$file" ] || continue
    pid="$(head -n1 "$file")"
    kill -0 "$pid" 2>/dev/null || die "gateway pid $pid (from $file) is not running"
    pids+=("$pid")
  done
  [ "${#pids[@]}" -gt 0 ] || die "no gateway pid file at $GATEWAY_PID_FILE"
  (IFS=,; printf '%s\n' "${pids[*]}")
}

machine_desc() {
  local cpu
  cpu="$(awk -F: '/^model name/ { sub(/^[ \t]+/, "", $2); print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
  printf '%s cores, %s' "$(nproc)" "${cpu:-unknown CPU}"
}

utc_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---------------------------------------------------------------- streams
# create_stream NAME — prints "id streamKey playbackId" of a new stream.
# create_stream NAME [EXTRA] — EXTRA: more JSON members for the body, e.g. '"profiles":[]' (source only).
create_stream() {
  local body
  body="$(curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $SG_API_KEY" -H 'Content-Type: application/json' \
    --data "{\"name\":\"$1\"${2:+,$2}}" "$SG_API_URL/stream")" || die "POST $SG_API_URL/stream failed"
  printf '%s' "$body" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["id"], s["streamKey"], s["playbackId"])' \
    || die "unexpected create-stream answer: $body"
}

delete_stream() {
  curl -fsS --max-time 10 -o /dev/null -X DELETE -H "Authorization: Bearer $SG_API_KEY" "$SG_API_URL/stream/$1" \
    || log "warning: could not delete stream $1"
}

# ---------------------------------------------------------------- fixtures
# fixture_720p30 [BITRATE] — prints the path of a cached ~10 s 1280x720 30 fps H.264 + AAC FLV with a keyframe
# every 60 frames (2 s); BITRATE (e.g. 2M) caps the video at that rate, otherwise x264 picks it (CRF 23).
# Encoded once with libx264 veryfast; publishing it with `-c copy` afterwards costs almost no CPU.
fixture_720p30() {
  local rate="${1:-}" name file rc_args=()
  if [ -n "$rate" ]; then
    name="src-720p30-g60-$rate.flv"
    local buf; buf="$(awk -v r="$rate" 'BEGIN { n = r + 0; u = substr(r, length(n "") + 1); printf "%g%s", 2 * n, u }')"
    rc_args=(-b:v "$rate" -maxrate "$rate" -bufsize "$buf")
  else
    name="src-720p30-g60-crf23.flv"
  fi
  file="$BENCH_CACHE/$name"
  if [ ! -s "$file" ]; then
    log "encoding fixture $name (once; cached in ${BENCH_CACHE#"$BENCH_ROOT"/})"
    ffmpeg -hide_banner -loglevel error -nostdin -y \
      -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
      -t 10 -map 0:v -map 1:a \
      -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 "${rc_args[@]}" \
      -c:a aac -b:a 128k -ar 48000 -ac 2 \
      -f flv "$file.part" || die "could not encode $name"
    mv "$file.part" "$file"
  fi
  printf '%s\n' "$file"
}

# ---------------------------------------------------------------- results
# append_result FILE HEADER_MARKDOWN ROW — writes HEADER when FILE is new or empty, then ROW.
append_result() {
  local file="$1" header="$2" row="$3"
  mkdir -p "$(dirname "$file")"
  [ -s "$file" ] || printf '%s\n' "$header" >"$file"
  printf '%s\n' "$row" >>"$file"
  log "appended a row to ${file#"$BENCH_ROOT"/}"
}

# md_cell TEXT — makes TEXT safe inside a markdown table cell.
md_cell() { local s="${1//|/\\|}"; printf '%s' "${s//$'\n'/ }"; }

# ---------------------------------------------------------------- wrk
# measure NAME URL uses WARMUP, DURATION, THREADS, CONNECTIONS and TIMEOUT from the calling script.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (match(v, /^[0-9.]+/) == 0) { print "NaN"; exit }
    n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
    if (f < 0) { print "NaN"; exit }
    printf "%.2f", n * f }'
}
to_mb() {
  awk -v v="$1" 'BEGIN {
    if (match(v, /^[0-9.]+/) == 0) { print "NaN"; exit }
    n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1)
    f = (u == "B") ? 1 / 1048576 : (u == "KB") ? 1 / 1024 : (u == "MB") ? 1 : (u == "GB") ? 1024 : (u == "TB") ? 1048576 : -1
    if (f < 0) { print "NaN"; exit }
    printf "%.2f", n * f }'
}

# measure NAME URL — warm-up, timed run; sets RPS_, MBS_, P99_, BAD_ (non-2xx + socket errors) for NAME.
measure() {
  local name="$1" url="$2" out rps mbs p99 non2xx sockerr
  log "$name: warm-up $WARMUP, then $DURATION ($url)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$TIMEOUT" "$url" >/dev/null
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$url")"
  printf '%s\n' "$out" | sed 's/^/    /' >&2
  rps="$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')"
  mbs="$(printf '%s\n' "$out" | awk '/^Transfer\/sec:/ { print $2 }')"
  p99="$(printf '%s\n' "$out" | awk '/Latency Distribution/ { d = 1; next } d && $1 == "99%" { print $2; exit }')"
  non2xx="$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')"
  sockerr="$(printf '%s\n' "$out" | awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }')"
  [ -n "$rps" ] && [ -n "$mbs" ] && [ -n "$p99" ] || die "$name: could not parse the wrk output"
  printf -v "RPS_$name" '%s' "$rps"
  printf -v "MBS_$name" '%s' "$(to_mb "$mbs")"
  printf -v "P99_$name" '%s' "$(to_ms "$p99")"
  printf -v "BAD_$name" '%s' "$(( ${non2xx:-0} + ${sockerr:-0} ))"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.3f" : "n/a"), a / (b > 0 ? b : 1) }'; }

# ---------------------------------------------------------------- orchestrators of the bench's own
# Offchain orchestrators (price 0, no chain) and transcoders started from the Release build for one benchmark, so that
# it needs no funded broadcaster; bench_stop_processes (set as an EXIT trap by the first start) stops them.
BENCH_PIDS=()
BENCH_ORCH_DLL="$BENCH_ROOT/src/StreamGateway.Orchestrator/bin/Release/net10.0/StreamGateway.Orchestrator.dll"
bench_stop_processes() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
bench_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bench_build_orchestrator() {
  [ -f "$BENCH_ORCH_DLL" ] || dotnet build "$BENCH_ROOT/src/StreamGateway.Orchestrator" -c Release -nologo -v q >/dev/null
}
# start_orchestrator PORT [TRANSCODER_SECRET] — an offchain orchestrator on https://127.0.0.1:PORT; waits until it answers.
start_orchestrator() {
  local port="$1" secret="${2:-}" work="$BENCH_CACHE/run/orchestrator-$1"
  bench_build_orchestrator
  mkdir -p "$work"
  [ ${#BENCH_PIDS[@]} -gt 0 ] || trap bench_stop_processes EXIT
  (export Orchestrator__Port="$port" Orchestrator__ServiceUri="https://127.0.0.1:$port" Orchestrator__WorkDir="$work" \
     Orchestrator__MaxSessions=100 Logging__LogLevel__Default=Warning
   [ -z "$secret" ] || export Orchestrator__TranscoderSecret="$secret"
   # The segment handler's step timings (a debug line per segment) for bench/transcode/run's breakdown.
   exec env Logging__LogLevel__StreamGateway.Orchestrator.Segments.ServeSegment=Debug dotnet "$BENCH_ORCH_DLL" >>"$work/log" 2>&1) &
  BENCH_PIDS+=("$!")
  local i
  for i in $(seq 1 60); do
    curl -sk -o /dev/null "https://127.0.0.1:$port/" && return 0
    sleep 0.5
  done
  die "orchestrator on port $port did not start (see $work/log)"
}
# start_transcoder ORCH_PORT SECRET CAPACITY — a transcoder joined to that orchestrator.
start_transcoder() {
  local port="$1" secret="$2" capacity="$3" work="$BENCH_CACHE/run/transcoder-$1-$RANDOM"
  mkdir -p "$work"
  (export Transcoder__OrchestratorUrl="https://127.0.0.1:$port" Transcoder__Secret="$secret" Transcoder__Capacity="$capacity" \
     Orchestrator__WorkDir="$work" Logging__LogLevel__Default=Warning
   exec dotnet "$BENCH_ORCH_DLL" --transcoder >>"$work/log" 2>&1) &
  BENCH_PIDS+=("$!")
}
