# Shell helpers shared by the loopback benchmarks (bench/load.sh, bench/soak.sh, bench/per-request.sh). Sourced, never run.
#
# The caller sets BENCH_NAME (the log prefix) and SERVER_CPUS (taskset list for start_server) before using
# them, then calls bench_start, which creates the temp folder and installs the exit trap. State kept here:
#   tmp          the temp folder (removed on exit unless KEEP_TMP=1)
#   server_pids  every background process group started with start_group/start_server; each runs in its
#                own session, so its PID is also its process-group id and the whole group is killed on exit
#   step_pid     the bounded step (a build, a wrk run) running right now
#   notes        lines for the report (skipped parts, a busy machine)

tmp=''
server_pids=()
step_pid=''
notes=()

log() { printf '[%s] %s\n' "${BENCH_NAME:-bench}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; exit 1; }

# Kills every process group this script started (so `dotnet run`'s child and nginx's worker go too), then
# removes the temp folder. Runs on any exit, error or Ctrl-C.
bench_cleanup() {
  local status=$? pid i
  set +e
  trap - EXIT INT TERM
  [[ -n $step_pid ]] && kill -TERM "$step_pid" 2>/dev/null
  for pid in "${server_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do
    for ((i = 0; i < 50; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $tmp && -d $tmp ]]; then
    if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  fi
  exit "$status"
}

bench_start() {
  tmp=$(mktemp -d)
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# ensure_commands COMMAND:DEBIAN-PACKAGE... : installs with apt-get the packages whose command is missing.
ensure_commands() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || die "dotnet not found"
}

# check_ports_free PORT... : a server already on one of our ports would be measured instead of ours.
check_ports_free() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "127.0.0.1:$port is already in use; stop whatever listens there first"
    fi
  done
}

# bounded SECS OUTFILE CMD... : runs CMD with a time limit, output to OUTFILE. In the background and
# waited for, so that Ctrl-C or TERM reaches the trap at once and cleanup can stop the step.
bounded() {
  local secs=$1 out=$2 status=0; shift 2
  timeout "$secs" "$@" >"$out" 2>&1 &
  step_pid=$!
  wait "$step_pid" || status=$?
  step_pid=''
  return "$status"
}

# build_step WHAT LOGFILE CMD... : a build step (5 min at most); its output is shown only when it fails.
build_step() {
  local what=$1 logfile=$2; shift 2
  log "$what"
  if ! bounded 300 "$logfile" "$@"; then
    tail -n 30 "$logfile" >&2
    return 1
  fi
}

# start_group NAME DIR CMD... : runs CMD in DIR in the background, in its own session, output to
# $tmp/NAME.log; sets NAME_pid (dashes become underscores).
start_group() {
  local name=$1 dir=$2; shift 2
  (cd "$dir" && exec setsid "$@") >"$tmp/$name.log" 2>&1 &
  server_pids+=("$!")
  eval "${name//-/_}_pid=$!"
}

# start_server NAME DIR CMD... : start_group, pinned to the server cores.
start_server() {
  local name=$1 dir=$2; shift 2
  start_group "$name" "$dir" taskset -c "$SERVER_CPUS" "$@"
}

# wait_port NAME PORT: bounded wait (30 s) for the port to accept connections, failing early if the server died.
wait_port() {
  local name=$1 port=$2 pidvar="${1//-/_}_pid" i
  for ((i = 0; i < 120; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "${!pidvar}" 2>/dev/null; then
      tail -n 30 "$tmp/$name.log" >&2
      die "$name exited before listening on $port"
    fi
    sleep 0.25
  done
  tail -n 30 "$tmp/$name.log" >&2
  die "$name is not listening on 127.0.0.1:$port after 30 s"
}

# Prints the share of all CPUs (%) busy over one second: other work on the machine (a concurrent
# build or benchmark) lowers every figure.
cpu_busy() {
  local a b
  a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; all = busy + y[2] - x[2]
    printf "%.0f\n", (all > 0 ? 100 * busy / all : 0) }'
}

# warn_busy PERCENT WHEN: adds a note when the machine was busy with other work.
warn_busy() {
  if (($1 > 10)); then
    notes+=("the CPUs were $1% busy with other work $2: figures may be low and ratios skewed")
    log "WARNING: ${notes[-1]}"
  fi
}

# find_dotnet_counters: sets `counters` to a dotnet-counters executable (on PATH, in ~/.dotnet/tools, or
# installed into the temp folder), or to '' with a note when there is none.
find_dotnet_counters() {
  counters=$(command -v dotnet-counters || true)
  [[ -z $counters && -x $HOME/.dotnet/tools/dotnet-counters ]] && counters=$HOME/.dotnet/tools/dotnet-counters
  if [[ -z $counters ]]; then
    if build_step "installing dotnet-counters into the temp folder" "$tmp/counters-install.log" \
         dotnet tool install dotnet-counters --tool-path "$tmp/tools"; then
      counters=$tmp/tools/dotnet-counters
    else
      counters=''
      notes+=("dotnet-counters could not be installed")
      log "${notes[-1]}"
    fi
  fi
}

# --- the gateway ---------------------------------------------------------------------------------

# The benchmarks measure what production runs: the Production environment, with keys made for the run by
# bench/lib/token_kinds.py (the demo keys of config/gateway.Development.json apply only in Development).
export DOTNET_ENVIRONMENT=Production

# gateway_sources REPO: sets gateway_src and gateway_desc: the work tree, or with GATEWAY_REF a commit
# unpacked into the temp folder (a fixed snapshot, immune to edits in progress in the work tree).
gateway_sources() {
  local repo=$1
  gateway_src=$repo
  gateway_desc="work tree at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [[ -n $(git -C "$repo" status --porcelain -- src config 2>/dev/null) ]]; then
    gateway_desc+=" + uncommitted changes in src/ or config/"
  fi
  if [[ -n ${GATEWAY_REF:-} ]]; then
    mkdir -p "$tmp/src"
    git -C "$repo" archive --format=tar "$GATEWAY_REF" | tar -x -C "$tmp/src" || die "git archive $GATEWAY_REF failed"
    gateway_src=$tmp/src
    gateway_desc="commit $(git -C "$repo" rev-parse --short "$GATEWAY_REF")"
  fi
}

# publish_gateway: a Release publish of $gateway_src into $tmp/gateway. --artifacts-path keeps it out of
# src/*/obj, which other builds of the work tree use; --disable-build-servers leaves no MSBuild/Roslyn
# server running after the script.
publish_gateway() {
  build_step "publishing the gateway (Release)" "$tmp/publish.log" \
    dotnet publish "$gateway_src/src/Gateway/Gateway.csproj" -c Release -o "$tmp/gateway" \
      --artifacts-path "$tmp/artifacts" --disable-build-servers \
    || die "dotnet publish failed"
}

# Benchmark load comes from one subject on one address, so the committed signing limits (config/gateway.json,
# Gateway:RateLimits) would reject most of it. These environment settings raise the default policy's buckets
# far above any load: the limiter still runs on every request, but never rejects one.
signing_limits_far_above_load=()
for bucket in PerSubject PerClientIp; do
  signing_limits_far_above_load+=("Gateway__RateLimits__Policies__signing__${bucket}__Permits=1000000000"
                                  "Gateway__RateLimits__Policies__signing__${bucket}__Burst=1000000000")
done
