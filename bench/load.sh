#!/usr/bin/env bash
# Loopback load benchmark: the gateway's 302 routes next to the baselines of ../shared/peers
# (nginx constant 302, Kestrel constant 302 = the ceiling, a Node presigner), all measured with wrk
# in ONE run, so that the ratios to the Kestrel ceiling mean something. See bench/LOAD.md.
# The gateway runs once per kind of bearer token (HS256 and RS256 keys in SigningKeys; RS256 and ES256 keys
# from an authority's JWKS, served by a static file server), each exporting its audit over OTLP/HTTP to a
# receiver started here that counts the spans and log records, so a run that loses the audit shows it.
#
#   bench/load.sh                      # DURATION=10 WARMUP=5 RUNS=1
#   RUNS=3 bench/load.sh               # the table shows the median of three runs
#
# Env: DURATION (s per measured run), WARMUP (s on each route right before each measurement),
#      RUNS (median reported when > 1), STARTUP_WARMUP (s in total over all routes after start-up),
#      PEERS_DIR (default: ../shared/peers relative to the repo root), SERVER_CPUS / LOAD_CPUS
#      (taskset lists, default 0 and 1), LOAD_ALLOW_LONG=1 to allow a measurement phase over 10 min,
#      KEEP_TMP=1 to keep the temp folder (builds, server logs, raw wrk output),
#      GATEWAY_REF=<commit> to measure a commit (src/ and config/ from `git archive`) instead of the work tree.
# Exit status: non-zero when anything fails to build or start, when a route does not answer 302 before
# the measurement, or when a gateway route returns any error (non-302, socket error) during it or exports
# fewer audit spans or audit log records than it answered requests.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers=${PEERS_DIR:-$repo/../shared/peers}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
RUNS=${RUNS:-1}
STARTUP_WARMUP=${STARTUP_WARMUP:-5}
SERVER_CPUS=${SERVER_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
CONNECTIONS=32

GATEWAY_PORT=18080 NGINX_PORT=18081 KESTREL_PORT=18082 NODE_PORT=18083
RS256_STATIC_PORT=18084 RS256_AUTHORITY_PORT=18085 ES256_AUTHORITY_PORT=18086 IDP_PORT=18087 OTLP_PORT=18088
# What the receiver counts as the audit: the spans of the gateway's ActivitySource, and the log records of the
# Gateway.Audit logger categories (the OTLP log exporter names each record's scope after its category).
AUDIT_SCOPE=Gateway AUDIT_LOG_CATEGORY=Gateway.Audit
# Longest measurement phase allowed without LOAD_ALLOW_LONG=1 (seconds).
MAX_PHASE=600

BENCH_NAME=load
# log, die, the exit trap that kills every server's process group, bounded, build_step, start_server,
# wait_port, cpu_busy, and publishing the gateway and minting its token.
source "$repo/bench/lib/common.sh"

check_settings() {
  local v
  for v in DURATION WARMUP RUNS STARTUP_WARMUP; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number of seconds/runs, got '${!v}'"
  done
  ((DURATION >= 1 && RUNS >= 1)) || die "DURATION and RUNS must be at least 1"
  [[ -d $peers/kestrel-302 && -d $peers/nginx && -d $peers/node ]] \
    || die "peers not found under $peers (set PEERS_DIR)"
  (($(nproc) >= 2)) || die "needs 2 CPUs: the servers and wrk are pinned to different cores"
}

# wrk and nginx come from Debian packages when missing; node/npm are optional (the Node peer is skipped).
ensure_tools() { ensure_commands wrk:wrk nginx:nginx-light taskset:util-linux curl:curl python3:python3 openssl:openssl; }

# Copies a read-only peer into the temp folder (dotnet and npm write into the project folder).
copy_peer() {
  local name=$1
  mkdir -p "$tmp/$name"
  cp -R "$peers/$name/." "$tmp/$name/"
  chmod -R u+w "$tmp/$name"
}

# --- the routes ---------------------------------------------------------------------------------
# One line per route: id|server|label|url|bearer token (JWTs hold no '|')|count non-302 (lua)
# The constant-302 baselines run plain wrk: there wrk itself is the bottleneck, and a Lua
# response() callback would lower them. The signing routes run far below wrk's limit, so they get
# a per-response status check that catches any non-302 (wrk alone only counts non-2xx/3xx).
routes=()
add_route() { routes+=("$1|$2|$3|$4|$5|$6"); }

field() { local IFS='|'; local -a f; read -r -a f <<<"$1"; printf '%s' "${f[$2]}"; }

expect_302() {
  local label=$1 url=$2 token=$3 code location
  local -a auth=()
  [[ -n $token ]] && auth=(-H "Authorization: Bearer $token")
  read -r code location < <(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{redirect_url}\n' "${auth[@]}" "$url" || echo "000 -")
  [[ $code == 302 ]] || die "$label: GET $url answered $code, expected 302"
  log "ok 302  $label -> ${location:0:90}..."
}

# run_wrk SECONDS URL TOKEN CHECK OUTFILE
run_wrk() {
  local secs=$1 url=$2 token=$3 check=$4 out=$5
  local -a args=(-t1 "-c$CONNECTIONS" "-d${secs}s" --latency)
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ $check == yes ]] && args+=(-s "$tmp/count-non302.lua")
  bounded $((secs + 30)) "$out" taskset -c "$LOAD_CPUS" wrk "${args[@]}" "$url" \
    || { cat "$out" >&2; die "wrk failed on $url"; }
}

# The number of responses wrk received, from one wrk output.
requests_made() { awk '/ requests in / { print $1 }' "$1"; }
# Prints "rps p50_ms p99_ms non2xx3xx socket_errors non302" from one wrk output ("-" when not counted).
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/)  return v * 60000; if (v ~ /s$/)  return v * 1000; return v
    }
    /^Requests\/sec:/            { rps = $2 }
    $1 == "50%"                  { p50 = ms($2) }
    $1 == "99%"                  { p99 = ms($2) }
    /Non-2xx or 3xx responses:/  { bad = $NF }
    /Socket errors:/             { gsub(/,/, ""); sock = $4 + $6 + $8 + $10 }
    /^NON302 /                   { n302 = $2 }
    END { printf "%s %.3f %.3f %d %d %s\n", rps, p50, p99, bad, sock, (n302 == "" ? "-" : n302) }
  ' "$1"
}

# median of the numbers on stdin (mean of the two middle ones for an even count)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

write_lua() {
  cat >"$tmp/count-non302.lua" <<'LUA'
-- Counts responses whose status is not 302; done() prints "NON302 <n>" for parse_wrk.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non302 = 0 end
function response(status, headers, body) if status ~= 302 then non302 = non302 + 1 end end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non302") end
  io.write(string.format("NON302 %d\n", n))
end
LUA
}

# Other work DURING a measurement is caught by accounting: every CPU tick the machine spent busy
# (user, nice, system, irq, softirq) minus the ticks of our servers' process groups and of wrk is
# someone else's. On a quiet machine the difference is within a few ticks.
machine_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8; all = 0; for (i = 2; i <= NF; i++) all += $i; print busy, all }' /proc/stat; }
# utime + stime of every live process in our servers' process groups. Read through cat: a process that exits
# between the glob and the read would make awk (mawk) stop without printing anything.
server_ticks() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v groups=" ${server_pids[*]} " '{
    s = $0; sub(/^.*\) /, "", s); split(s, f, " ")   # the fields after "(comm) ": f[3] pgrp, f[12] utime, f[13] stime
    if (index(groups, " " f[3] " ")) t += f[12] + f[13]
  } END { print t + 0 }'
}
# snapshot FILE: "machine-busy machine-all servers wrk" ticks. Runs in this shell, never in $(...):
# `times` (the CPU of every child this shell has waited for, so wrk through timeout) would report a subshell.
snapshot() {
  times >"$tmp/times"
  echo "$(machine_ticks) $(server_ticks) $(tail -n 1 "$tmp/times" | awk -v hz="$(getconf CLK_TCK)" '{
    for (i = 1; i <= NF; i++) { m = $i; sub(/m.*/, "", m); sec = $i; sub(/^[0-9]+m/, "", sec); sub(/s$/, "", sec); t += m * 60 + sec }
  } END { printf "%.0f", t * hz }')" >"$1"
}
# other_cpu BEFORE-FILE AFTER-FILE: the share (%) of all CPUs that other processes used in between
other_cpu() {
  awk -v a="$(cat "$1")" -v b="$(cat "$2")" 'BEGIN { split(a, x, " "); split(b, y, " ")
    other = (y[1] - x[1]) - (y[3] - x[3]) - (y[4] - x[4]); all = y[2] - x[2]
    printf "%.0f\n", (all > 0 && other > 0 ? 100 * other / all : 0) }'
}

# --- the audit export -----------------------------------------------------------------------------
# Each gateway exports to its own path on the receiver (named after the gateway's server name), so its counts
# are its own. otlp_count NAME prints "spans audit-spans audit-log-records posts undecodable-posts" so far.
otlp_count() {
  local line
  line=$(curl -s --max-time 5 "http://127.0.0.1:$OTLP_PORT/count/$1") || die "the OTLP receiver does not answer"
  [[ $line =~ ^[0-9]+\ [0-9]+\ [0-9]+\ [0-9]+\ [0-9]+$ ]] || die "the OTLP receiver answered '$line'"
  echo "$line"
}
# otlp_settled NAME: otlp_count once nothing new has arrived from NAME for 2 s. Spans and log records leave the
# gateway at least once a second (OTEL_BSP_SCHEDULE_DELAY and OTEL_BLRP_SCHEDULE_DELAY below), so by then
# everything it has recorded so far is in; metric posts alone do not count as news.
otlp_settled() {
  local name=$1 current previous='' quiet=0 i
  for ((i = 0; i < 120; i++)); do
    current=$(otlp_count "$name")
    if [[ ${current% * *} == "${previous% * *}" ]]; then
      ((++quiet >= 8)) && break
    else
      quiet=0
    fi
    previous=$current
    sleep 0.25
  done
  echo "$current"
}
# otlp_delta BEFORE AFTER: "spans audit-spans audit-log-records" that arrived in between
otlp_delta() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2], y[3] - x[3] }'; }

# start_gateway NAME PORT CONFIG-DIR: one gateway instance, its audit exported to the receiver under NAME.
# Console logging stays at Warning; the audit log records (Information) go to the OTLP exporter only.
start_gateway() {
  local name=$1 port=$2 config=$3
  start_server "$name" "$tmp" env GATEWAY_CONFIG_DIR="$config" \
    Logging__LogLevel__Default=Warning "Logging__OpenTelemetry__LogLevel__$AUDIT_LOG_CATEGORY=Information" \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT/$name" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    OTEL_BSP_SCHEDULE_DELAY=1000 OTEL_BLRP_SCHEDULE_DELAY=1000 \
    "${signing_limits_far_above_load[@]}" dotnet "$tmp/gateway/Gateway.dll" --urls "http://127.0.0.1:$port"
}

# --- main ---------------------------------------------------------------------------------------
check_settings
ensure_tools
check_ports_free "$GATEWAY_PORT" "$NGINX_PORT" "$KESTREL_PORT" "$NODE_PORT" "$RS256_STATIC_PORT" "$RS256_AUTHORITY_PORT" \
  "$ES256_AUTHORITY_PORT" "$IDP_PORT" "$OTLP_PORT"
bench_start
write_lua

# The gateway's sources: the work tree by default, or GATEWAY_REF unpacked into the temp folder.
gateway_sources "$repo"
# Build everything before any server starts, so no build competes with a measurement.
publish_gateway
copy_peer kestrel-302
build_step "building kestrel-302 (Release)" "$tmp/kestrel-build.log" \
  dotnet build "$tmp/kestrel-302" -c Release --disable-build-servers || die "kestrel-302 build failed"
copy_peer nginx
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"

node_ok=no
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  notes+=("node peer skipped: node/npm not installed")
else
  copy_peer node
  if build_step "npm ci for the node peer" "$tmp/npm-ci.log" \
       npm ci --prefix "$tmp/node" --no-audit --no-fund --loglevel=error; then
    (cd "$tmp/node" && node gen-keys.mjs keys >/dev/null) || die "node gen-keys.mjs failed"
    node_ok=yes
  else
    notes+=("node peer skipped: npm ci failed (no registry access?)")
    log "${notes[-1]}"
  fi
fi

# Keys made for this run: a gateway configuration (config/ of the same sources, for Production), a token and
# (for an authority) OpenID metadata and a JWKS per kind of token.
log "making keys, tokens and configurations for the four kinds of token"
python3 "$repo/bench/lib/token_kinds.py" "$gateway_src/config" "$tmp/kinds" "http://127.0.0.1:$IDP_PORT" \
  || die "making the RS256/ES256 keys and tokens failed"
node_token=''
[[ $node_ok == yes ]] && node_token=$(tr -d '\n' <"$tmp/node/keys/token-hs256.txt")

# Nothing of ours runs now: whatever keeps the CPUs busy is someone else's and would skew the figures.
busy_before=$(cpu_busy)
warn_busy "$busy_before" "before the servers started"

# The receiver shares wrk's core: on the servers' core it would take its CPU from the gateway it counts.
log "starting the OTLP receiver and the authorities' file server on core(s) $LOAD_CPUS"
start_group otlp "$tmp" taskset -c "$LOAD_CPUS" python3 "$repo/bench/lib/otlp_receiver.py" "$OTLP_PORT" "$AUDIT_SCOPE" "$AUDIT_LOG_CATEGORY"
start_group idp "$tmp" taskset -c "$LOAD_CPUS" python3 -m http.server "$IDP_PORT" --bind 127.0.0.1 --directory "$tmp/kinds/idp"
wait_port otlp $OTLP_PORT
wait_port idp $IDP_PORT

log "starting servers on core(s) $SERVER_CPUS"
start_gateway gw-hs256-static $GATEWAY_PORT "$tmp/kinds/hs256-static/config"
start_gateway gw-rs256-static $RS256_STATIC_PORT "$tmp/kinds/rs256-static/config"
start_gateway gw-rs256-authority $RS256_AUTHORITY_PORT "$tmp/kinds/rs256-authority/config"
start_gateway gw-es256-authority $ES256_AUTHORITY_PORT "$tmp/kinds/es256-authority/config"
start_server nginx "$tmp/nginx" nginx -p "$tmp/nginx/" -c nginx.conf -g 'worker_processes 1;'
start_server kestrel-302 "$tmp/kestrel-302" env PEER_PORT=$KESTREL_PORT dotnet run -c Release --no-build
[[ $node_ok == yes ]] && start_server node "$tmp/node" env PEER_PORT=$NODE_PORT PEERS_KEYS=keys node server.mjs
wait_port gw-hs256-static $GATEWAY_PORT
wait_port gw-rs256-static $RS256_STATIC_PORT
wait_port gw-rs256-authority $RS256_AUTHORITY_PORT
wait_port gw-es256-authority $ES256_AUTHORITY_PORT
wait_port nginx $NGINX_PORT
wait_port kestrel-302 $KESTREL_PORT
[[ $node_ok == yes ]] && wait_port node $NODE_PORT

base=http://127.0.0.1
add_route kestrel kestrel-302 "kestrel-302: constant 302 (ceiling)" "$base:$KESTREL_PORT/302" "" no
add_route nginx nginx "nginx: constant 302" "$base:$NGINX_PORT/302" "" no
kind_token() { tr -d '\n' <"$tmp/kinds/$1/token"; }
add_route gw-files gw-hs256-static "gateway /files (S3 SigV4): HS256, key in SigningKeys" \
  "$base:$GATEWAY_PORT/files/acme/reports/q3.pdf" "$(kind_token hs256-static)" yes
add_route gw-cos gw-hs256-static "gateway /cos (COS q-sign): HS256, key in SigningKeys" \
  "$base:$GATEWAY_PORT/cos/acme/reports/q3.pdf" "$(kind_token hs256-static)" yes
add_route gw-rs256-static gw-rs256-static "gateway /files (S3 SigV4): RS256, PublicKeyPem in SigningKeys" \
  "$base:$RS256_STATIC_PORT/files/acme/reports/q3.pdf" "$(kind_token rs256-static)" yes
add_route gw-rs256-authority gw-rs256-authority "gateway /files (S3 SigV4): RS256, Authority metadata + JWKS" \
  "$base:$RS256_AUTHORITY_PORT/files/acme/reports/q3.pdf" "$(kind_token rs256-authority)" yes
add_route gw-es256-authority gw-es256-authority "gateway /files (S3 SigV4): ES256, Authority JWKS" \
  "$base:$ES256_AUTHORITY_PORT/files/acme/reports/q3.pdf" "$(kind_token es256-authority)" yes
if [[ $node_ok == yes ]]; then
  add_route node-obj node "node: /obj (jose HS256 + AWS SDK presign)" "$base:$NODE_PORT/obj/u/1/reports/q3.pdf" "$node_token" yes
  add_route node-cos node "node: /cos (jose HS256 + COS SDK presign)" "$base:$NODE_PORT/cos/u/1/reports/q3.pdf" "$node_token" yes
fi

for r in "${routes[@]}"; do
  expect_302 "$(field "$r" 2)" "$(field "$r" 3)" "$(field "$r" 4)"
done

is_gateway() { [[ $(field "$1" 1) == gw-* ]]; }
gateway_routes=0
for r in "${routes[@]}"; do is_gateway "$r" && gateway_routes=$((gateway_routes + 1)); done
per_route_startup=$((STARTUP_WARMUP / ${#routes[@]}))
((per_route_startup >= 1)) || per_route_startup=1
# About 5 s per measured gateway run go to waiting for its audit export to settle, before and after.
estimate=$((per_route_startup * ${#routes[@]} + RUNS * ${#routes[@]} * (WARMUP + DURATION) + RUNS * gateway_routes * 5))
if ((estimate > MAX_PHASE)) && [[ ${LOAD_ALLOW_LONG:-0} != 1 ]]; then
  die "the measurement would take ~${estimate}s; lower DURATION/WARMUP/RUNS or set LOAD_ALLOW_LONG=1"
fi
log "measuring ${#routes[@]} routes x $RUNS run(s): ~${estimate}s"

# A pass over every route right after start-up: without it the JIT is still optimising and the
# first .NET route measured reads low. (A short pass is not enough on one saturated core: LOAD.md.)
for r in "${routes[@]}"; do
  run_wrk "$per_route_startup" "$(field "$r" 3)" "$(field "$r" 4)" no "$tmp/startup-$(field "$r" 0).txt"
done
for name in gw-hs256-static gw-rs256-static gw-rs256-authority gw-es256-authority; do otlp_settled "$name" >/dev/null; done

# Runs go round-robin over the routes so that a slow patch of the machine hits every route alike.
for ((run = 1; run <= RUNS; run++)); do
  for r in "${routes[@]}"; do
    id=$(field "$r" 0) url=$(field "$r" 3) token=$(field "$r" 4) check=$(field "$r" 5)
    ((WARMUP > 0)) && run_wrk "$WARMUP" "$url" "$token" no "$tmp/warmup-$id-$run.txt"
    # The warm-up's audit is in before the count starts, and the measured run's before it ends.
    is_gateway "$r" && exported_before=$(otlp_settled "$(field "$r" 1)")
    snapshot "$tmp/ticks-before"
    run_wrk "$DURATION" "$url" "$token" "$check" "$tmp/wrk-$id-$run.txt"
    snapshot "$tmp/ticks-after"
    exported='- - -'
    is_gateway "$r" && exported=$(otlp_delta "$exported_before" "$(otlp_settled "$(field "$r" 1)")")
    echo "$(parse_wrk "$tmp/wrk-$id-$run.txt") $(other_cpu "$tmp/ticks-before" "$tmp/ticks-after")" \
      "$(requests_made "$tmp/wrk-$id-$run.txt") $exported" >"$tmp/result-$id-$run.txt"
    log "run $run/$RUNS $(field "$r" 2): $(cut -d' ' -f1 "$tmp/result-$id-$run.txt") req/s," \
      "audit spans exported: $(cut -d' ' -f10 "$tmp/result-$id-$run.txt") for $(cut -d' ' -f8 "$tmp/result-$id-$run.txt") requests"
  done
done

# Our servers are idle again; a busy machine now means work that may have overlapped the measurement.
busy_after=$(cpu_busy)
warn_busy "$busy_after" "right after the measurement (servers idle)"

# --- the table ----------------------------------------------------------------------------------
# column N of every run's result for a route (1=rps 2=p50 3=p99 4=non2xx3xx 5=socket 6=non302 7=other CPU %
# 8=requests 9=spans exported 10=audit spans exported 11=audit log records exported; "-" where not counted)
column() { local i; for ((i = 1; i <= RUNS; i++)); do cut -d' ' -f"$2" "$tmp/result-$1-$i.txt"; done; }
# the same, over the route's clean runs only (other CPU <= 5 %), or over all of them when none is clean
clean_column() {
  local i files=()
  for ((i = 1; i <= RUNS; i++)); do
    (($(cut -d' ' -f7 "$tmp/result-$1-$i.txt") <= 5)) && files+=("$tmp/result-$1-$i.txt")
  done
  ((${#files[@]})) || files=("$tmp"/result-"$1"-*.txt)
  cut -d' ' -f"$2" "${files[@]}"
}
sum() { awk '$1 != "-" { s += $1; n++ } END { if (n) print s + 0; else print "-" }'; }
max() { sort -g | tail -n 1; }

ceiling=$(clean_column kestrel 1 | median)
# Runtime knobs exported by the caller reach every .NET server and change what is measured: say so.
dotnet_settings=$(env | grep -E '^DOTNET_' | grep -vE '^DOTNET_(CLI_|NOLOGO|GENERATE_ASPNET_CERTIFICATE|SKIP_FIRST_TIME)' \
  | sort | tr '\n' ' ' || true)
dotnet_settings=${dotnet_settings% }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_dir="$repo/bench/results"
mkdir -p "$results_dir"
report="$results_dir/load-$stamp.md"
failed=()
contaminated=()

{
  echo "## Load benchmark $stamp"
  echo
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
  echo "- dotnet $(dotnet --version), $(nginx -v 2>&1 | sed 's/^nginx version: //'), node $(node --version 2>/dev/null || echo '-'), $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
  echo "- CPU busy with other work: ${busy_before}% before the servers started, ${busy_after}% right after the measurement"
  echo "- gateway: $gateway_desc"
  echo "- DOTNET_* settings for the .NET servers: ${dotnet_settings:-none}"
  echo "- servers on core(s) $SERVER_CPUS, wrk on core(s) $LOAD_CPUS: wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency;" \
    "start-up warm-up ${per_route_startup}s per route, warm-up ${WARMUP}s before each measurement; runs: $RUNS" \
    "$( ((RUNS > 1)) && echo '(medians over the runs with other CPU <= 5 %, or all runs when none; error counts summed over all runs)')"
  echo
  echo "| route | req/s | p50 ms | p99 ms | non-2xx/3xx | socket errors | non-302 | ÷ Kestrel 302 | other CPU % | requests | audit spans | audit log records | all spans |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for r in "${routes[@]}"; do
    id=$(field "$r" 0)
    # figures from the clean runs; errors from every run, since an error is an error however busy the machine
    rps=$(clean_column "$id" 1 | median) p50=$(clean_column "$id" 2 | median) p99=$(clean_column "$id" 3 | median)
    bad=$(column "$id" 4 | sum) sock=$(column "$id" 5 | sum) n302=$(column "$id" 6 | sum) other=$(clean_column "$id" 7 | max)
    # exported over every measured run, against the responses wrk received in them
    requests=$(column "$id" 8 | sum) spans=$(column "$id" 9 | sum) audit=$(column "$id" 10 | sum) audit_logs=$(column "$id" 11 | sum)
    awk -v l="$(field "$r" 2)" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v b="$bad" -v s="$sock" -v n="$n302" -v c="$ceiling" -v o="$other" \
      -v q="$requests" -v sp="$spans" -v a="$audit" -v al="$audit_logs" \
      'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %s | %s | %s | %.2f | %s | %s | %s | %s | %s |\n", l, rps, p50, p99, b, s, n, rps / c, o, q, a, al, sp }'
    ((other <= 5)) || contaminated+=("$(field "$r" 2) (${other}%)")
    if is_gateway "$r" && { ((bad + sock > 0)) || [[ $n302 != - && $n302 != 0 ]]; }; then
      failed+=("$(field "$r" 2): $bad non-2xx/3xx, $sock socket errors, $n302 non-302")
    fi
    # Every answered request leaves one audit span and one audit log record; requests still in flight when wrk
    # stopped may add a few more, never fewer.
    if is_gateway "$r" && ((audit < requests || audit_logs < requests)); then
      failed+=("$(field "$r" 2): the audit lost records: $audit spans and $audit_logs log records exported for $requests requests")
    fi
  done
  if ((RUNS > 1)); then
    echo
    for r in "${routes[@]}"; do
      echo "- per run, $(field "$r" 2): req/s $(column "$(field "$r" 0)" 1 | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }');" \
        "other CPU % $(column "$(field "$r" 0)" 7 | paste -sd, | sed 's/,/, /g')"
    done
  fi
  if ((${#contaminated[@]})); then
    notes+=("other processes used more than 5% of the CPUs in every run of $(printf '%s; ' "${contaminated[@]}")throw this run away")
  fi
  undecodable=0
  for name in gw-hs256-static gw-rs256-static gw-rs256-authority gw-es256-authority; do
    undecodable=$((undecodable + $(otlp_count "$name" | cut -d' ' -f5)))
  done
  ((undecodable == 0)) || notes+=("the OTLP receiver could not decode $undecodable export requests: their spans and log records are not counted")
  for n in "${notes[@]}"; do echo; echo "Note: $n"; done
  for f in "${failed[@]}"; do echo; echo "FAILED: $f"; done
} >"$report"   # not piped to tee: a pipe would run this block in a subshell and lose failed[]
cat "$report"

log "table written to ${report#"$repo"/}"
((${#contaminated[@]} == 0)) || log "WARNING: other processes used the CPUs while measuring $(printf '%s; ' "${contaminated[@]}")"
((${#failed[@]} == 0)) || die "a gateway returned errors or lost audit records during the measurement"
