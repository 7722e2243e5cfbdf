#!/usr/bin/env bash
# What one request costs the gateway: requests per second and bytes allocated per request on three routes,
# with the validated-token cache on (the default) and off, back to back in ONE run, so the ratio between
# them means something on a noisy machine. See "Per request" in bench/README.md.
#
#   bench/per-request.sh                              # DURATION=8 WARMUP=20 TOKEN_KIND=hs256-static
#   TOKEN_KIND=rs256-authority bench/per-request.sh   # the bearer token's key from an authority's JWKS
#
# Routes: /health/live (the pipeline's floor: routing, tracing, no download), /public/... (an anonymous
# download: rules, signing, audit) and /files/... (a download with a bearer token: the same plus JWT).
# Bytes per request = the growth of the runtime's total allocated bytes over a wrk run (dotnet-counters
# monitor, dotnet.gc.heap.total_allocated, read with the gateway idle just before and after) / wrk's requests.
# Env: DURATION (s per measurement), WARMUP (s of load on each route before measuring), PORT (18095),
# SERVER_CPUS / LOAD_CPUS (0 and 1), GATEWAY_REF, KEEP_TMP=1, TOKEN_KIND: one of bench/lib/token_kinds.py's
# kinds, hs256-static, rs256-static, rs256-authority, es256-authority (keys made for the run, Production
# environment; an authority's documents served on IDP_PORT, 18096).
# Exit status: non-zero when a build or start fails, a route does not answer as expected, or dotnet-counters
# is missing and cannot be installed.
set -euo pipefail
export LC_ALL=C

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-20}
PORT=${PORT:-18095}
IDP_PORT=${IDP_PORT:-18096}
TOKEN_KIND=${TOKEN_KIND:-hs256-static}
SERVER_CPUS=${SERVER_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}

BENCH_NAME=per-request
source "$repo/bench/lib/common.sh"

# allocated_so_far: the gateway's total allocated bytes, as dotnet-counters monitor last printed them (once a second).
allocated_so_far() {
  # Printed as 6,981,480 or, once large, as 1.7514e+08 (five digits: ±0.005 % of a run's total).
  tr '\033' '\n' <"$tmp/counters-$variant.log" | grep -oE '[0-9][0-9,.]{5,}(e\+[0-9]+)?' | tail -n 1 | tr -d , \
    | awk '{ printf "%.0f\n", $1 }'
}

# measure NAME EXPECTED-STATUS WRK-ARGS... : prints "req/s bytes-per-request" for one route: the growth of the
# total allocated bytes over the wrk run (read with the gateway idle before and after) over wrk's request count.
measure() {
  local name=$1 expected=$2 out="$tmp/wrk-$1-$variant.txt" status before after requests; shift 2
  status=$(curl -s -o /dev/null -w '%{http_code}' "$@" 2>/dev/null || true)
  [[ $status == "$expected" ]] || die "$name answered $status, not $expected"
  sleep 2
  before=$(allocated_so_far)
  bounded $((DURATION + 30)) "$out" taskset -c "$LOAD_CPUS" wrk -t1 -c16 -d"${DURATION}s" "$@" || die "wrk failed on $name"
  sleep 2
  after=$(allocated_so_far)
  if grep -qE 'Non-2xx or 3xx|Socket errors' "$out"; then
    die "$name had error answers or socket errors during the measurement"
  fi
  [[ -n $before && -n $after ]] && ((after > before)) || die "dotnet-counters gave no allocation figures for $name"
  requests=$(awk '/ requests in / { print $1 }' "$out")
  printf '%s %s\n' "$(awk '/^Requests\/sec/ { print $2 }' "$out")" "$(awk -v a="$((after - before))" -v n="$requests" 'BEGIN { printf "%.0f", a / n }')"
}

ensure_commands wrk:wrk taskset:util-linux curl:curl python3:python3 openssl:openssl
check_ports_free "$PORT" "$IDP_PORT"
bench_start
gateway_sources "$repo"
publish_gateway
case $TOKEN_KIND in
  hs256-static | rs256-static | rs256-authority | es256-authority)
    python3 "$repo/bench/lib/token_kinds.py" "$gateway_src/config" "$tmp/kinds" "http://127.0.0.1:$IDP_PORT" \
      || die "making the $TOKEN_KIND keys and token failed"
    export GATEWAY_CONFIG_DIR="$tmp/kinds/$TOKEN_KIND/config"
    token=$(tr -d '\n' <"$tmp/kinds/$TOKEN_KIND/token")
    if [[ $TOKEN_KIND == *-authority ]]; then
      start_group idp "$tmp" taskset -c "$LOAD_CPUS" python3 -m http.server "$IDP_PORT" --bind 127.0.0.1 --directory "$tmp/kinds/idp"
      wait_port idp "$IDP_PORT"
    fi ;;
  *) die "TOKEN_KIND must be hs256-static, rs256-static, rs256-authority or es256-authority, got '$TOKEN_KIND'" ;;
esac
find_dotnet_counters
[[ -n $counters ]] || die "dotnet-counters is needed for the allocation figures"
busy_before=$(cpu_busy)
warn_busy "$busy_before" "before the gateway started"

base="http://127.0.0.1:$PORT"
declare -A result
for variant in cache-on cache-off; do
  size=10000
  [[ $variant == cache-off ]] && size=0
  log "$variant: starting the gateway on core(s) $SERVER_CPUS"
  start_server "gateway-$variant" "$tmp" env Logging__LogLevel__Default=Warning "${signing_limits_far_above_load[@]}" \
    Authentication__Jwt__ValidatedTokenCacheSize=$size dotnet "$tmp/gateway/Gateway.dll" --urls "$base"
  gateway_pid_var="gateway_${variant//-/_}_pid"
  gateway_pid=${!gateway_pid_var}
  wait_port "gateway-$variant" "$PORT"

  # Counted from before the warm-up: a dotnet-counters session slows the process while it starts.
  start_group "counters-$variant" "$tmp" "$counters" monitor -p "$gateway_pid" --refresh-interval 1 \
    --counters "System.Runtime[dotnet.gc.heap.total_allocated]"
  log "$variant: warming up for $((3 * WARMUP)) s"
  for target in "$base/health/live" "$base/public/bench/warm.png"; do
    bounded $((WARMUP + 30)) "$tmp/warm.txt" taskset -c "$LOAD_CPUS" wrk -t1 -c16 -d"${WARMUP}s" "$target" || die "warm-up failed"
  done
  bounded $((WARMUP + 30)) "$tmp/warm.txt" taskset -c "$LOAD_CPUS" wrk -t1 -c16 -d"${WARMUP}s" \
    -H "Authorization: Bearer $token" "$base/files/acme/bench/warm.pdf" || die "warm-up failed"

  result[health-$variant]=$(measure health 200 "$base/health/live")
  result[public-$variant]=$(measure public 302 "$base/public/bench/logo.png")
  result[files-$variant]=$(measure files 302 -H "Authorization: Bearer $token" "$base/files/acme/bench/q3.pdf")
  log "$variant: health ${result[health-$variant]}, public ${result[public-$variant]}, files ${result[files-$variant]}"
  kill -TERM -- "-$gateway_pid" 2>/dev/null || true
  for ((k = 0; k < 100; k++)); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.1; done
done
busy_after=$(cpu_busy)
warn_busy "$busy_after" "right after the measurement"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
report="$repo/bench/results/per-request-$stamp.md"
{
  echo "## Per request $stamp"
  echo
  echo "- gateway: $gateway_desc, published Release, Production, config/ as committed but for the stores' secrets and Authentication:Jwt (made for the run), signing limits raised far above the load"
  echo "- bearer token: $TOKEN_KIND"
  echo "- gateway on core(s) $SERVER_CPUS, wrk on core(s) $LOAD_CPUS: wrk -t1 -c16 -d${DURATION}s after ${WARMUP}s on each route"
  echo "- CPU busy with other work: $busy_before% before, $busy_after% after"
  echo
  echo "| route | token cache | req/s | bytes allocated per request | req/s ÷ cache off | bytes ÷ cache off |"
  echo "|---|---|--:|--:|--:|--:|"
  for route in health public files; do
    read -r off_rps off_bytes <<<"${result[$route-cache-off]}"
    for variant in cache-on cache-off; do
      read -r rps bytes <<<"${result[$route-$variant]}"
      awk -v r="$route" -v v="${variant#cache-}" -v rps="$rps" -v b="$bytes" -v orps="$off_rps" -v ob="$off_bytes" \
        'BEGIN { printf "| %s | %s | %.0f | %d | %.2f | %.2f |\n", r, v, rps, b, rps / orps, b / ob }'
    done
  done
  for note in "${notes[@]}"; do echo; echo "Note: $note"; done
} >"$report"
cat "$report"
log "report written to bench/results/per-request-$stamp.md"
