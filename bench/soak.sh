#!/usr/bin/env bash
# Soak: a million requests through the published gateway on loopback, and two questions answered: did every
# response have its expected status (302 with a signed Location for allowed downloads, the right refusal for
# the others), and did the gateway's memory stay flat? See "Soak" in bench/README.md.
#
#   bench/soak.sh                                  # REQUESTS=1000000 after a warm-up of 30 s and 100,000 requests
#   REQUESTS=100000 WARMUP=10 WARMUP_REQUESTS=10000 bench/soak.sh   # a quick look
#   GATEWAY_ARGS='--Some:Setting=value' bench/soak.sh
#
# Env: REQUESTS (responses to drive after the warm-up; the last wrk run may go a little over),
#      WARMUP and WARMUP_REQUESTS (the same mix first, for at least that many seconds and responses; checked
#      too, not counted), SEGMENT (s per wrk run),
#      CONNECTIONS (wrk -c), MAX_GROWTH_PCT and MAX_SLOPE_MB (the memory rule, below),
#      MAX_MINUTES (the warm-up, and the soak, fail past this), GATEWAY_ARGS (extra gateway command-line arguments,
#      split on spaces; the signing limits are already raised far above the load, see bench/lib/common.sh), COUNTERS (auto: GC heap figures from
#      dotnet-counters, installed into the temp folder when not on PATH, skipped if that fails; 0: off),
#      SOAK_PORT (18094), GATEWAY_REF, SERVER_CPUS / LOAD_CPUS (0 and 1), KEEP_TMP=1.
# Memory rule: after the warm-up the gateway's RSS must not grow by more than MAX_GROWTH_PCT % (15) by the end
# of the soak, and the least-squares slope of RSS against requests over the second half of the soak must not
# exceed MAX_SLOPE_MB MB per 100,000 requests (2; judged on soaks of 200,000 requests or more).
# Exit status: non-zero when a build or the start fails, on any wrong response, unknown response, socket
# error or timeout (warm-up included), when the memory rule is broken, or past MAX_MINUTES. Once the soak
# phase has run, the report goes to bench/results/soak-<UTC timestamp>.md and the samples to a .tsv beside it.
set -euo pipefail
export LC_ALL=C   # a '.' in $EPOCHREALTIME and in printf's numbers

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUESTS=${REQUESTS:-1000000}
WARMUP=${WARMUP:-30}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-100000}
SEGMENT=${SEGMENT:-10}
CONNECTIONS=${CONNECTIONS:-32}
MAX_GROWTH_PCT=${MAX_GROWTH_PCT:-15}
MAX_SLOPE_MB=${MAX_SLOPE_MB:-2}
MAX_MINUTES=${MAX_MINUTES:-20}
COUNTERS=${COUNTERS:-auto}
SOAK_PORT=${SOAK_PORT:-18094}
SERVER_CPUS=${SERVER_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
read -r -a gateway_args <<<"${GATEWAY_ARGS:-}"

BENCH_NAME=soak
# log, die, the exit trap that kills every process group started here, bounded, start_server, wait_port,
# publishing the gateway and minting its token.
source "$repo/bench/lib/common.sh"

check_settings() {
  local v
  for v in REQUESTS WARMUP WARMUP_REQUESTS SEGMENT CONNECTIONS MAX_GROWTH_PCT MAX_MINUTES SOAK_PORT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
  done
  [[ $MAX_SLOPE_MB =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MAX_SLOPE_MB must be a number, got '$MAX_SLOPE_MB'"
  ((REQUESTS >= 1000 && SEGMENT >= 1 && CONNECTIONS >= 1 && MAX_MINUTES >= 1)) \
    || die "REQUESTS must be at least 1000; SEGMENT, CONNECTIONS and MAX_MINUTES at least 1"
  (($(nproc) >= 2)) || die "needs 2 CPUs: the gateway and wrk are pinned to different cores"
}

# sample_process PID: every second "epoch-seconds rss-kB threads open-fds" of the process, until it exits.
# Runs as its own process group (start_group); a TERM ends the sleep too, so nothing of it outlives it.
sample_process() {
  local pid=$1 key value rest rss threads fds sleeper=''
  trap '[[ -n $sleeper ]] && kill "$sleeper" 2>/dev/null; exit 0' TERM
  while [[ -r /proc/$pid/status ]]; do
    rss='' threads=''
    while read -r key value rest; do
      case $key in VmRSS:) rss=$value ;; Threads:) threads=$value ;; esac
    done <"/proc/$pid/status" 2>/dev/null || break
    fds=("/proc/$pid/fd"/*)
    echo "$EPOCHREALTIME $rss $threads ${#fds[@]}"
    sleep 1 &
    sleeper=$!
    wait "$sleeper"
  done
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$gateway_pid/status"; }

# run_segment PHASE INDEX SECONDS CONNECTIONS: one wrk run of the mix (bench/soak.lua) into
# $tmp/wrk-PHASE-INDEX.txt. Request numbers go on from the previous run, so every object key is new.
run_segment() {
  local phase=$1 i=$2 secs=$3 conns=$4 out="$tmp/wrk-$1-$2.txt" sent
  bounded $((secs + 30)) "$out" taskset -c "$LOAD_CPUS" wrk -t1 "-c$conns" "-d${secs}s" --timeout 2s \
    -s "$repo/bench/soak.lua" "http://127.0.0.1:$SOAK_PORT" -- "$next_request" "$token" \
    || { cat "$out" >&2; die "wrk failed ($phase run $i)"; }
  sent=$(awk '$1 == "SOAK_SENT" { print $2 }' "$out")
  [[ -n $sent ]] || { cat "$out" >&2; die "wrk printed no soak summary ($phase run $i)"; }
  next_request=$((next_request + sent))
  kill -0 "$gateway_pid" 2>/dev/null || { tail -n 30 "$tmp/gateway.log" >&2; die "the gateway exited ($phase run $i)"; }
}

# Prints "responses errors" of one or more wrk outputs: errors are wrong + unknown responses + socket errors.
tally() {
  awk '$1 == "SOAK_KIND" { n += $4; e += $5 } $1 == "SOAK_UNKNOWN" { n += $3; e += $3 }
       $1 == "SOAK_SOCKET" { e += $2 + $3 + $4 + $5 } END { print n + 0, e + 0 }' "$@"
}

# Lists what went wrong in wrk outputs, one line each (nothing when all is well).
what_went_wrong() {
  awk '$1 == "SOAK_WRONG" { w[$2 " answered " $3 " (expected otherwise)"] += $4 }
       $1 == "SOAK_UNKNOWN" { w["a response naming no request of the run, status " $2] += $3 }
       $1 == "SOAK_SOCKET" { c += $2; r += $3; wr += $4; t += $5 }
       END { for (k in w) print w[k] " x " k
             if (c + r + wr + t) print "socket errors: connect " c ", read " r ", write " wr ", timeout " t }' "$@"
}

# --- main ---------------------------------------------------------------------------------------
check_settings
ensure_commands wrk:wrk taskset:util-linux
check_ports_free "$SOAK_PORT"
bench_start

gateway_sources "$repo"
publish_gateway
# An HS256 key, a Production configuration and a token made for this run; the token outlives the longest allowed run.
python3 "$repo/bench/lib/token_kinds.py" "$gateway_src/config" "$tmp/kinds" http://127.0.0.1:9 \
  $(((MAX_MINUTES + WARMUP / 60 + 30) * 60)) || die "making the key and token failed"
export GATEWAY_CONFIG_DIR="$tmp/kinds/hs256-static/config"
token=$(tr -d '\n' <"$tmp/kinds/hs256-static/token")

counters=''
[[ $COUNTERS != 0 ]] && find_dotnet_counters   # with none, the report has no GC heap figures

busy_before=$(cpu_busy)
warn_busy "$busy_before" "before the gateway started"

log "starting the gateway on core(s) $SERVER_CPUS, port $SOAK_PORT${GATEWAY_ARGS:+, with GATEWAY_ARGS}"
# Warning level, as in load.sh: a log line per request would measure the console.
# Each request's number travels in its traceparent, which the gateway echoes as a problem's traceId only when it
# trusts callers' trace context (off by default, on here: the soak is the only caller).
start_server gateway "$tmp" env Logging__LogLevel__Default=Warning "${signing_limits_far_above_load[@]}" \
  Gateway__Audit__TrustIncomingTraceContext=true \
  dotnet "$tmp/gateway/Gateway.dll" --urls "http://127.0.0.1:$SOAK_PORT" "${gateway_args[@]}"
wait_port gateway "$SOAK_PORT"
# setsid, taskset and env exec one another, so the group leader is the gateway process itself.
tr '\0' ' ' <"/proc/$gateway_pid/cmdline" | grep -q 'Gateway\.dll' || die "the gateway's PID is not the dotnet process"

start_group sampler "$tmp" bash -c "$(declare -f sample_process); sample_process $gateway_pid"
if [[ -n $counters ]]; then
  start_group counters "$tmp" taskset -c "$LOAD_CPUS" "$counters" collect -p "$gateway_pid" \
    --refresh-interval 1 --format csv -o "$tmp/counters.csv" --counters System.Runtime
fi

next_request=0 pace_n=0 pace_secs=1
# A short probe: every kind of request once at least, each with its expected answer, before any long run.
run_segment probe 1 1 1
read -r probe_n probe_errors < <(tally "$tmp/wrk-probe-1.txt")
if ((probe_errors > 0)) || awk '$1 == "SOAK_KIND" && $4 == 0 { found = 1 } END { exit !found }' "$tmp/wrk-probe-1.txt"; then
  grep '^SOAK_' "$tmp/wrk-probe-1.txt" >&2
  what_went_wrong "$tmp/wrk-probe-1.txt" | grep -q ' 429 ' && log "429: a rate limit? Set generous limits with GATEWAY_ARGS"
  die "the probe run did not get the expected answer to every kind of request"
fi
log "probe: $probe_n responses, every kind answered as expected"

# Warm-up: tiered compilation on one saturated core needs 20-40 s to settle (LOAD.md), and the GC its budgets
# and the process its RSS. Seconds alone are not enough when other work slows the machine down: the warm-up
# also lasts WARMUP_REQUESTS responses (10 % of the default soak), and MAX_MINUTES at most.
warmup_files=() warmup_t0=$EPOCHREALTIME
if ((WARMUP + WARMUP_REQUESTS > 0)); then
  log "warm-up: ${WARMUP}s and $WARMUP_REQUESTS requests at least"
  left=$WARMUP i=0 warmup_done=0
  while ((left > 0 || warmup_done < WARMUP_REQUESTS)); do
    i=$((i + 1)) secs=$((left > 0 && left < SEGMENT ? left : SEGMENT))
    left=$((left > secs ? left - secs : 0))
    run_segment warmup "$i" "$secs" "$CONNECTIONS"
    warmup_files+=("$tmp/wrk-warmup-$i.txt")
    read -r n errors < <(tally "$tmp/wrk-warmup-$i.txt")
    warmup_done=$((warmup_done + n)) pace_n=$n pace_secs=$secs
    awk -v t0="$warmup_t0" -v now="$EPOCHREALTIME" -v max="$MAX_MINUTES" 'BEGIN { exit !(now - t0 > max * 60) }' \
      && die "the warm-up has run longer than MAX_MINUTES=$MAX_MINUTES"
  done
fi

# The soak: wrk runs of SEGMENT seconds until REQUESTS responses; the last one is cut to what is left.
rss_start=$(rss_kb)
t0=$EPOCHREALTIME
echo "$t0 0" >"$tmp/progress"
log "soak: $REQUESTS requests, RSS after warm-up $((rss_start / 1024)) MB"
# each run: SEGMENT seconds, or what is left at the last run's pace (1 s at least)
next_secs() {
  awk -v left=$((REQUESTS - done_n)) -v n="$pace_n" -v s="$pace_secs" -v max="$SEGMENT" \
    'BEGIN { if (n <= 0) { print max; exit } t = int(left / (n / s)) + 1; print (t < max ? t : max) }'
}
done_n=0 i=0 soak_files=() timed_out=no
while ((done_n < REQUESTS)); do
  i=$((i + 1)) secs=$(next_secs)
  run_segment soak "$i" "$secs" "$CONNECTIONS"
  soak_files+=("$tmp/wrk-soak-$i.txt")
  read -r n errors < <(tally "$tmp/wrk-soak-$i.txt")
  ((n > 0)) || die "soak run $i got no responses"
  done_n=$((done_n + n)) pace_n=$n pace_secs=$secs
  echo "$EPOCHREALTIME $done_n" >>"$tmp/progress"
  log "soak run $i: $n responses, $errors errors; $done_n of $REQUESTS; RSS $(($(rss_kb) / 1024)) MB"
  if awk -v t0="$t0" -v now="$EPOCHREALTIME" -v max="$MAX_MINUTES" 'BEGIN { exit !(now - t0 > max * 60) }'; then
    timed_out=yes
    log "stopping: the soak has run longer than MAX_MINUTES=$MAX_MINUTES"
    break
  fi
done
t1=$EPOCHREALTIME
rss_end=$(rss_kb)

# Stop the samplers now (dotnet-counters writes its file on Ctrl-C); the exit trap would only kill them.
if [[ -n $counters ]]; then
  kill -INT -- "-$counters_pid" 2>/dev/null || true
  for ((k = 0; k < 100; k++)); do kill -0 "$counters_pid" 2>/dev/null || break; sleep 0.1; done
  [[ -s $tmp/counters.csv ]] || { notes+=("no GC heap figures: dotnet-counters wrote nothing (see its log with KEEP_TMP=1)"); log "${notes[-1]}"; }
fi
kill -TERM -- "-$sampler_pid" 2>/dev/null || true
busy_after=$(cpu_busy)
warn_busy "$busy_after" "right after the soak (gateway idle)"

# --- figures ------------------------------------------------------------------------------------
# GC heap: per counters timestamp, "epoch heap-bytes committed-bytes gen2-collections-in-interval" with the
# heap summed over the five generations (timestamps without all five are dropped).
: >"$tmp/gc"
if [[ -s $tmp/counters.csv ]]; then
  awk -F, 'NR > 1 { print $1 }' "$tmp/counters.csv" | sort -u >"$tmp/gc-times"
  paste -d, "$tmp/gc-times" <(date -f "$tmp/gc-times" +%s) >"$tmp/gc-epochs"
  awk -F, 'FNR == NR { epoch[$1] = $2; next }
    FNR == 1 { next }
    { ts = $1; name = $3; v = $NF + 0 }
    name ~ /^dotnet\.gc\.last_collection\.heap\.size / { heap[ts] += v; gens[ts]++ }
    name ~ /^dotnet\.gc\.last_collection\.memory\.committed_size / { committed[ts] = v }
    name ~ /^dotnet\.gc\.collections .*gen2/ { gen2[ts] = v }
    END { for (ts in heap) if (gens[ts] == 5) print epoch[ts], heap[ts], committed[ts] + 0, gen2[ts] + 0 }' \
    "$tmp/gc-epochs" "$tmp/counters.csv" | sort -n >"$tmp/gc"
fi

# Every /proc sample of the soak with the requests done by then (interpolated between wrk runs) and the GC
# heap of the latest counters sample: "seconds requests rss-MB threads fds gc-heap-MB".
awk -v t0="$t0" -v t1="$t1" '
  FILENAME ~ /progress$/ { pt[++np] = $1; pn[np] = $2; next }
  FILENAME ~ /gc$/ { gt[++ng] = $1; gh[ng] = $2; next }
  $1 < t0 || $1 > t1 + 0.5 { next }
  {
    t = $1; req = pn[np]
    for (k = 2; k <= np; k++) if (t <= pt[k]) { req = pn[k - 1] + (pn[k] - pn[k - 1]) * (t - pt[k - 1]) / (pt[k] - pt[k - 1]); break }
    heap = "-"
    for (k = ng; k >= 1; k--) if (gt[k] <= t) { heap = sprintf("%.1f", gh[k] / 1048576); break }
    printf "%.1f\t%d\t%.1f\t%s\t%s\t%s\n", t - t0, req, $2 / 1024, $3, $4, heap
  }' "$tmp/progress" "$tmp/gc" "$tmp/sampler.log" >"$tmp/samples"

# least-squares slope (per 100k requests) of column COL over the samples from the half-way request on
slope() {
  awk -v col="$1" -v half=$((done_n / 2)) '$2 >= half && $col != "-" { n++; x = $2 / 100000; y = $col
      sx += x; sy += y; sxx += x * x; sxy += x * y }
    END { d = n * sxx - sx * sx; if (n < 3 || d == 0) print "-"; else printf "%.2f\n", (n * sxy - sx * sy) / d }' "$tmp/samples"
}
column_max() { awk -v col="$1" '$col != "-" && (m == "" || $col + 0 > m) { m = $col + 0; v = $col } END { print (m == "" ? "-" : v) }' "$tmp/samples"; }
first_of() { awk -v col="$1" '$col != "-" { print $col; exit }' "$tmp/samples"; }
last_of() { awk -v col="$1" '$col != "-" { v = $col } END { print (v == "" ? "-" : v) }' "$tmp/samples"; }

rss_start_mb=$(awk -v k="$rss_start" 'BEGIN { printf "%.1f", k / 1024 }')
rss_end_mb=$(awk -v k="$rss_end" 'BEGIN { printf "%.1f", k / 1024 }')
rss_peak_mb=$(awk -v a="$rss_start_mb" -v b="$rss_end_mb" -v c="$(column_max 3)" 'BEGIN { m = a; if (b > m) m = b; if (c != "-" && c > m) m = c; print m }')
rss_growth=$(awk -v a="$rss_start_mb" -v b="$rss_end_mb" 'BEGIN { printf "%+.1f", 100 * (b - a) / a }')
rss_slope=$(slope 3)
seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
gen2=$(awk -v t0="$t0" -v t1="$t1" '$1 >= t0 && $1 <= t1 + 1 { n += $4 } END { print n + 0 }' "$tmp/gc")

memory_failed=()
awk -v g="$rss_growth" -v max="$MAX_GROWTH_PCT" 'BEGIN { exit !(g > max) }' \
  && memory_failed+=("RSS grew by ${rss_growth}% (limit ${MAX_GROWTH_PCT}%)")
# Over a short soak a step of a few MB (a GC growing its budget) reads as a steep slope: judged from 200k on.
if ((done_n < 200000)); then
  notes+=("the RSS slope is not judged under 200,000 requests")
elif [[ $rss_slope == - ]]; then
  memory_failed+=("too few RSS samples in the second half for a slope")
elif awk -v s="$rss_slope" -v max="$MAX_SLOPE_MB" 'BEGIN { exit !(s > max) }'; then
  memory_failed+=("RSS rose by $rss_slope MB per 100k requests over the second half (limit $MAX_SLOPE_MB)")
fi

read -r warmup_n warmup_errors < <( ((${#warmup_files[@]})) && tally "${warmup_files[@]}" || echo "0 0")
read -r soak_n soak_errors < <(tally "${soak_files[@]}")

# --- the report ---------------------------------------------------------------------------------
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_dir="$repo/bench/results"
mkdir -p "$results_dir"
report="$results_dir/soak-$stamp.md"
samples="$results_dir/soak-$stamp.tsv"
{
  printf 'seconds\trequests\trss_mb\tthreads\tfds\tgc_heap_mb\n'
  cat "$tmp/samples"
} >"$samples"

dotnet_settings=$(env | grep -E '^DOTNET_' | grep -vE '^DOTNET_(CLI_|NOLOGO|GENERATE_ASPNET_CERTIFICATE|SKIP_FIRST_TIME)' \
  | sort | tr '\n' ' ' || true)
failed=()
{
  echo "## Soak $stamp"
  echo
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr);" \
    "dotnet $(dotnet --version), $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
  echo "- gateway: $gateway_desc, published Release, config/ as committed for Production with keys made for the run, log level Warning;" \
    "GATEWAY_ARGS: ${GATEWAY_ARGS:-none}; DOTNET_* settings: ${dotnet_settings:-none}"
  echo "- gateway on core(s) $SERVER_CPUS, wrk on core(s) $LOAD_CPUS: wrk -t1 -c$CONNECTIONS --timeout 2s -s bench/soak.lua," \
    "runs of ${SEGMENT}s"
  echo "- warm-up (at least ${WARMUP} s and $WARMUP_REQUESTS responses): $warmup_n responses in" \
    "$(awk -v a="$warmup_t0" -v b="$t0" 'BEGIN { printf "%.0f", b - a }') s, $warmup_errors errors; not counted below"
  echo "- CPU busy with other work: ${busy_before}% before the gateway started, ${busy_after}% right after the soak"
  echo "- soak: $soak_n responses in ${seconds} s over ${#soak_files[@]} wrk runs (every object key new)"
  echo
  echo "| kind | request | expected | responses | wrong |"
  echo "|---|---|---:|---:|---:|"
  awk '$1 == "SOAK_KIND" { n[$2] += $4; w[$2] += $5; s[$2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
    END {
      req["files-302"] = "GET /files/acme/soak/N.bin (S3 SigV4)"; req["cos-302"] = "GET /cos/acme/soak/N.bin (COS q-sign)"
      req["no-token-401"] = "the same without a token"; req["other-tenant-403"] = "GET /files/globex/soak/N.bin"
      req["deny-rule-403"] = "GET /files/acme/drafts/N.bin (deny rule)"; req["no-route-404"] = "GET /soak-no-route/N.bin"
      req["bad-key-400"] = "GET /files/acme/soak/%5CN.bin (backslash in the key)"
      for (i = 1; i <= k; i++) { x = order[i]; printf "| %s | `%s` | %s | %d | %d |\n", x, req[x], s[x], n[x], w[x]; tn += n[x]; tw += w[x] }
      printf "| **all** | | | **%d** | **%d** |\n", tn, tw
    }' "${soak_files[@]}"
  echo
  echo "Socket errors and timeouts, responses naming no request:" \
    "$(awk '$1 == "SOAK_SOCKET" { c += $2; r += $3; w += $4; t += $5 } $1 == "SOAK_UNKNOWN" { u += $3 }
      END { printf "connect %d, read %d, write %d, timeout %d; unknown %d", c, r, w, t, u }' "${soak_files[@]}")."
  echo
  echo "| memory | after warm-up | peak | end | end vs after warm-up | slope over the 2nd half, per 100k requests |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| RSS (MB) | $rss_start_mb | $rss_peak_mb | $rss_end_mb | ${rss_growth}% | $rss_slope MB |"
  if [[ -s $tmp/gc ]]; then
    gc_first=$(first_of 6) gc_last=$(last_of 6)
    echo "| GC heap after the last collection (MB) | $gc_first | $(column_max 6) | $gc_last |" \
      "$(awk -v a="$gc_first" -v b="$gc_last" 'BEGIN { if (a > 0) printf "%+.1f%%", 100 * (b - a) / a; else print "-" }') | $(slope 6) MB |"
  fi
  echo "| threads | $(first_of 4) | $(column_max 4) | $(last_of 4) | | |"
  echo "| open file descriptors | $(first_of 5) | $(column_max 5) | $(last_of 5) | | |"
  echo
  echo "RSS from /proc/PID/status every second$([[ -s $tmp/gc ]] && echo "; GC heap from dotnet-counters (System.Runtime), $gen2 gen2 collections during the soak")."
  echo "RSS at every tenth of the requests (MB): $(awk -v total="$done_n" 'BEGIN { next_at = 0 }
    $2 >= next_at { printf "%s%s", (n++ ? ", " : ""), $3; next_at += total / 10 }' "$tmp/samples")."
  echo "Memory rule: RSS at the end at most ${MAX_GROWTH_PCT}% over RSS after the warm-up, and an RSS slope over the" \
    "second half of at most $MAX_SLOPE_MB MB per 100k requests (least squares over the per-second samples; judged" \
    "from 200k requests on)."
  ((warmup_errors == 0)) || failed+=("$warmup_errors errors in the warm-up")
  ((soak_errors == 0)) || failed+=("$soak_errors errors in the soak")
  ((soak_n >= REQUESTS)) || failed+=("only $soak_n of $REQUESTS responses")
  [[ $timed_out == no ]] || failed+=("the soak ran longer than MAX_MINUTES=$MAX_MINUTES")
  failed+=("${memory_failed[@]}")
  if ((warmup_errors + soak_errors > 0)); then
    echo
    echo "What went wrong:"
    what_went_wrong "${warmup_files[@]}" "${soak_files[@]}" | sed 's/^/- /'
  fi
  for n in "${notes[@]}"; do echo; echo "Note: $n"; done
  echo
  if ((${#failed[@]})); then
    for f in "${failed[@]}"; do echo "FAILED: $f"; done
  else
    echo "PASSED: zero errors in $soak_n responses, and memory within the rule."
  fi
} >"$report"   # not piped to tee: a pipe would run this block in a subshell and lose failed[]
cat "$report"
log "report written to ${report#"$repo"/} (samples: ${samples#"$repo"/})"
if ((${#failed[@]})); then
  what_went_wrong "${warmup_files[@]}" "${soak_files[@]}" | grep -q ' 429 ' \
    && log "429 means a rate limit: give the soak generous limits with GATEWAY_ARGS"
  die "the soak failed"
fi
