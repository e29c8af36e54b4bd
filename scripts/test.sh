#!/usr/bin/env bash
# The whole test suite from a fresh Debian machine: installs the Debian packages the tests start as
# private servers (only when some are missing, and only as root), the npm dependencies, then runs the
# type check, the linter and every test with node's test runner (whose closing `# pass N` / `# fail N`
# lines CI reads).
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(slapd ldap-utils nats-server freeradius freeradius-utils python3-duo-client samba samba-ad-provision samba-dsdb-modules samba-vfs-modules iproute2 openssl chromium)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing missing Debian packages: ${missing[*]}"
    # slapd: binaries and schema only; the tests generate their own private configuration.
    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages (run as root to install them): ${missing[*]}" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

npx tsc --noEmit
npx eslint --quiet .
npm run --silent gen:check
# The tests' temporary files go to one folder, and their output to a file, so that both can be searched
# for the tests' secrets afterwards (scripts/check-secrets.ts: no password, passcode, shared secret or skey
# may reach a log, an event or an error).
suite_tmp="$(mktemp -d)"
output="$(mktemp)"
trap 'rm -rf "$suite_tmp" "$output"' EXIT
status=0
TMPDIR="$suite_tmp" node --import tsx --test --test-concurrency=2 --test-timeout=300000 $(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort) 2>&1 | tee "$output" || status=$?
node --import tsx scripts/check-secrets.ts "$output" "$suite_tmp" || status=1
exit "$status"
