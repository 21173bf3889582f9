#!/usr/bin/env bash
# Browser check of report.html: a small run's report opened in headless Chromium must show
# its charts with no console error, no missing image and no request to another host; a
# screenshot goes to target/browser-check/. The same check on a page spoiled on purpose
# (an outside image and a console error) must fail, so the check is known to bite.
#
# Chromium (and Node, which drives it over the DevTools protocol) are installed from the
# distribution's packages when missing; where that is impossible the check says SKIPPED
# loudly and does not fail.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "=========================================================================="
    echo "SKIPPED: browser check of report.html: $1"
    echo "=========================================================================="
    exit 0
}

# Installs Debian packages when we may (root and apt-get); false otherwise.
apt_install() {
    command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 1
    echo "browser check: installing $* from the distribution's packages"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } \
        >/tmp/parcelsim-apt.log 2>&1
}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
    apt_install chromium || skip "no chromium, and it cannot be installed here (see /tmp/parcelsim-apt.log)"
    chromium=$(command -v chromium || true)
    [ -n "$chromium" ] || skip "chromium did not install"
fi
if ! command -v node >/dev/null 2>&1; then
    apt_install nodejs || skip "no node, and it cannot be installed here"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=target/browser-check
mkdir -p "$out"
cargo run --quiet -- run scenarios/small.toml --out "$tmp/run" --quiet --no-xlsx --no-plot >/dev/null
node .ci/browser-check.js "$chromium" "$tmp/run/report.html" "$out/run-report.png" 3

# The check must fail on a page that asks another host for an image and logs an error.
sed 's#</body>#<img src="http://example.invalid/x.png"><script>console.error("planted")</script></body>#' \
    "$tmp/run/report.html" >"$tmp/spoiled.html"
if node .ci/browser-check.js "$chromium" "$tmp/spoiled.html" "$tmp/spoiled.png" 3 2>"$tmp/spoiled.err"; then
    echo "browser check: a spoiled page passed; the check cannot fail" >&2
    exit 1
fi
grep -q "request outside the page: http://example.invalid" "$tmp/spoiled.err" || {
    echo "browser check: the spoiled page failed for another reason:" >&2
    cat "$tmp/spoiled.err" >&2
    exit 1
}
grep -q "planted" "$tmp/spoiled.err" || {
    echo "browser check: the planted console error went unseen:" >&2
    cat "$tmp/spoiled.err" >&2
    exit 1
}
echo "browser check: passed (a spoiled page is refused)"
