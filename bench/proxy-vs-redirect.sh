#!/usr/bin/env bash
# The gateway's cost per download in proxy mode against redirect mode, on a 10 MB object, in one run.
# Loopback only: s3rver (from tests/tools) as the store, the published gateway, wrk as the client.
#   bench/proxy-vs-redirect.sh            # DURATION=10 seconds per mode
# Redirect mode: the gateway's work ends with the 302 (the client then fetches from the store directly).
# Proxy mode: the gateway streams the 10 MB through itself. The figure is the gateway process's CPU time
# per download (from /proc), so the ratio holds on a noisy machine better than wall-clock rates.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10}
STORE_PORT=18090 GATEWAY_PORT=18091
tmp=$(mktemp -d)
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "port $1 never opened" >&2
  exit 1
}

gateway_ticks() { awk '{ print $14 + $15 }' "/proc/$gateway_pid/stat"; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ -d "$repo/tests/tools/node_modules/s3rver" ] || (cd "$repo/tests/tools" && npm ci --no-audit --no-fund --loglevel=error)

echo "[bench] publishing the gateway" >&2
dotnet publish "$repo/src/Gateway/Gateway.csproj" -c Release -o "$tmp/gateway" --artifacts-path "$tmp/artifacts" --disable-build-servers >/dev/null

mkdir -p "$tmp/s3"
taskset -c 1 node "$repo/tests/tools/node_modules/s3rver/bin/s3rver.js" -d "$tmp/s3" -a 127.0.0.1 -p "$STORE_PORT" --configure-bucket demo --silent &
pids+=($!)
wait_port "$STORE_PORT"
head -c 10485760 /dev/urandom >"$tmp/object.bin"
curl -sf -X PUT --data-binary @"$tmp/object.bin" "http://127.0.0.1:$STORE_PORT/demo/tenants/acme/bench/10mb.bin" >/dev/null

store="http://127.0.0.1:$STORE_PORT"
args=(
  --urls "http://127.0.0.1:$GATEWAY_PORT"
  "--Gateway:Stores:demo-s3:Endpoint=$store"
  "--ReverseProxy:Clusters:demo-s3:Destinations:s3rver:Address=$store/"
  "--ReverseProxy:Routes:streamed:ClusterId=demo-s3"
  "--ReverseProxy:Routes:streamed:Match:Path=/stream/{tenant}/{**path}"
  "--ReverseProxy:Routes:streamed:Metadata:Download.Store=demo-s3"
  "--ReverseProxy:Routes:streamed:Metadata:Download.Key=tenants/{tenant}/{path}"
  "--ReverseProxy:Routes:streamed:Metadata:Download.Mode=proxy"
)
for bucket in PerSubject PerClientIp; do   # one subject on one address: limits far above the load, never rejecting
  args+=("--Gateway:RateLimits:Policies:signing:$bucket:Permits=1000000000" "--Gateway:RateLimits:Policies:signing:$bucket:Burst=1000000000")
done
# The demo configuration's keys (config/gateway.Development.json) apply only in Development.
export GATEWAY_CONFIG_DIR="$repo/config" Logging__LogLevel__Default=Warning DOTNET_ENVIRONMENT=Development
taskset -c 0 dotnet "$tmp/gateway/Gateway.dll" "${args[@]}" &
gateway_pid=$!
pids+=("$gateway_pid")
wait_port "$GATEWAY_PORT"
token=$(dotnet "$tmp/gateway/Gateway.dll" token --sub bench --claim tenant=acme --claim scope=storage:read --lifetime 01:00:00)

redirect_url="http://127.0.0.1:$GATEWAY_PORT/files/acme/bench/10mb.bin"
proxy_url="http://127.0.0.1:$GATEWAY_PORT/stream/acme/bench/10mb.bin"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$redirect_url")" = 302 ] || { echo "redirect route did not answer 302" >&2; exit 1; }
[ "$(curl -s -o "$tmp/check.bin" -w '%{http_code}' -H "Authorization: Bearer $token" "$proxy_url")" = 200 ] || { echo "proxy route did not answer 200" >&2; exit 1; }
cmp -s "$tmp/object.bin" "$tmp/check.bin" || { echo "proxy route returned other bytes" >&2; exit 1; }

# Returns "requests cpu_ms_per_request MB/s" for one mode.
measure() {
  local url=$1 connections=$2 before after output requests seconds
  taskset -c 1 wrk -t1 -c"$connections" -d3s -H "Authorization: Bearer $token" "$url" >/dev/null   # warm-up
  before=$(gateway_ticks)
  output=$(taskset -c 1 wrk -t1 -c"$connections" -d"${DURATION}s" -H "Authorization: Bearer $token" "$url")
  after=$(gateway_ticks)
  requests=$(awk '/requests in/ { print $1 }' <<<"$output")
  seconds=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { print t / hz }')
  awk -v n="$requests" -v s="$seconds" -v d="$DURATION" 'BEGIN { printf "%d %.3f %.1f\n", n, s * 1000 / n, n / d }'
}

read -r redirect_n redirect_ms redirect_rate < <(measure "$redirect_url" 32)
read -r proxy_n proxy_ms proxy_rate < <(measure "$proxy_url" 4)

printf '| mode | downloads | downloads/s | gateway CPU ms per download | ÷ redirect |\n|---|--:|--:|--:|--:|\n'
printf '| redirect (302; the client fetches from the store) | %s | %s | %s | 1.0 |\n' "$redirect_n" "$redirect_rate" "$redirect_ms"
printf '| proxy (10 MB streamed through the gateway) | %s | %s | %s | %s |\n' "$proxy_n" "$proxy_rate" "$proxy_ms" \
  "$(awk -v p="$proxy_ms" -v r="$redirect_ms" 'BEGIN { printf "%.0f", p / r }')"
