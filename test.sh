#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need when it is missing,
# builds strictly, publishes the gateway exactly as the Dockerfile does, then runs every test project.
set -euo pipefail
cd "$(dirname "$0")"

apt_packages=()
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
# The browser for the end-to-end sign-in tests; Playwright drives it without downloading a browser of its own.
[ -x /usr/bin/chromium ] || apt_packages+=(chromium fonts-liberation)
# Redis for the shared-state tests (signing limits and the Data Protection key ring across instances).
[ -x /usr/bin/redis-server ] || apt_packages+=(redis-server)
# The load balancer and the load generator of the scale-out tests (three gateways behind nginx, under wrk).
[ -x /usr/sbin/nginx ] || apt_packages+=(nginx)
[ -x /usr/bin/wrk ] || apt_packages+=(wrk)
if ((${#apt_packages[@]})); then
  # apt-get needs root: run it through sudo when this is not root.
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "test.sh needs these packages, and installing them needs root: ${apt_packages[*]}" >&2
      echo "Run test.sh as root, install sudo, or install them yourself (apt-get install ${apt_packages[*]})." >&2
      exit 1
    fi
    as_root=(sudo)
    echo "Installing ${apt_packages[*]} with sudo apt-get." >&2
  fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
fi

# The Kubernetes manifest tests render deploy/kubernetes with `kubectl kustomize` (kustomize 5, kubectl 1.27 or later).
# This machine image has it; Debian's kubernetes-client package (1.20) is too old, so nothing is installed here.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl was not found: the Kubernetes manifest tests (tests/Gateway.Tests/Deployment) will fail." >&2
  echo "Install kubectl 1.27 or later, for example from https://pkgs.k8s.io (see docs/deploy.md)." >&2
fi

# oidc-provider 9 needs Node.js 20.18 or later.
if ! node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 18) ? 0 : 1)'; then
  echo "Node.js $(node --version) is too old for the test identity provider: install Node.js 20.18 or later." >&2
  exit 1
fi

# Real servers for the end-to-end tests, pinned by the committed lock file.
(cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)

dotnet restore Gateway.sln
dotnet build Gateway.sln -c Release --no-restore
# The same publish command the Dockerfile runs.
dotnet publish src/Gateway/Gateway.csproj -c Release -o artifacts/publish

results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test Gateway.sln -c Release --no-build --results-directory "$results" --logger "trx" "$@" || status=$?

# One plain closing line for the whole run, summed over every project's results.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
  skipped=$((skipped + $(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$counters")))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ]; then
  # Failures outside a test case (a fixture's clean-up, a crashed test host) are not in the counts above.
  cat "$results"/*.trx 2>/dev/null | tr -d '\n' | grep -o 'outcome="Error"[^>]*>[[:space:]]*<Text>[^<]*' | sed 's/.*<Text>/run error: /' || true
fi
exit "$status"
