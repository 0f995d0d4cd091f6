#!/usr/bin/env bash
# Prints the path of a Redis 8 server for the tests of hash-field lookups (HSETEX needs Redis 8.0; Debian 12, what
# this project's machines run, ships Redis 7.0). In order: $SAS_REDIS_TEST_REDIS8 when set; a redis-server 8 or
# later on the PATH; the one this script built before; else it builds Redis 8.0.2 from Debian's source package,
# fetched from the Debian mirror the machine's own apt sources name and checked against its SHA-256, and keeps the
# binary in ${SAS_REDIS_CACHE:-~/.cache/sas-redis} (about 90 s on 2 cores; needs curl, gcc, g++ and make: Debian's
# curl and build-essential).
# Progress goes to stderr; the path is the only line on stdout.
set -euo pipefail
VERSION=8.0.2
SHA256=caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f
cache="${SAS_REDIS_CACHE:-$HOME/.cache/sas-redis}"
target="$cache/redis-$VERSION/redis-server"

# the major version of a Redis server binary (Valkey's redis-server, which has no HSETEX, does not count)
major() {
	{ "$1" --version 2>/dev/null || true; } | sed -n 's/^Redis server v=\([0-9]*\)\..*/\1/p'
}

if [ -n "${SAS_REDIS_TEST_REDIS8:-}" ]; then
	m="$(major "$SAS_REDIS_TEST_REDIS8")"
	if [ -z "$m" ] || [ "$m" -lt 8 ]; then
		echo "SAS_REDIS_TEST_REDIS8=$SAS_REDIS_TEST_REDIS8 is not a redis-server 8 or later" >&2
		exit 1
	fi
	echo "$SAS_REDIS_TEST_REDIS8"
	exit 0
fi
if on_path="$(command -v redis-server)" && m="$(major "$on_path")" && [ -n "$m" ] && [ "$m" -ge 8 ]; then
	echo "$on_path"
	exit 0
fi
if [ -x "$target" ]; then
	echo "$target"
	exit 0
fi

# The Debian archive the machine installs from: the URI of a stanza (deb822) or line (one-line format) whose suite is
# a Debian release, not security; a 'mirror+file:' URI names a file that lists mirrors, of which the first is taken.
debian_suite='^(bookworm|trixie|forky|sid|bullseye|stable|testing|unstable)(-updates)?$'
candidates() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$debian_suite" '
			function flush() { if (uris != "" && ok && !off) print uris; uris = ""; ok = 0; off = 0 }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uris = uris (uris == "" ? "" : "\n") $i }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i ~ suite) ok = 1 }
			tolower($1) == "enabled:" { off = (tolower($2) == "no") }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v suite="$debian_suite" '$1 == "deb" {
			i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) ~ suite) print $i }' "$f"
	done
}
mirrors=()
while read -r uri; do
	case "$uri" in
		mirror+file:*)
			list="${uri#mirror+file:}"
			list="${list#//}"
			uri="$(grep -Eo '^https?://[^[:space:]]+' "$list" 2>/dev/null | head -n 1 || true)"
			;;
		http://* | https://*) ;;
		*) uri="" ;;
	esac
	[ -n "$uri" ] && mirrors+=("${uri%/}")
done < <(candidates)
if [ "${#mirrors[@]}" -eq 0 ]; then
	echo "No Redis 8 found and no Debian archive in the apt sources to build one from: set SAS_REDIS_TEST_REDIS8" \
		"to a redis-server 8 binary" >&2
	exit 1
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/sas-redis-redis8-XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "Building Redis $VERSION from Debian's source package (once, into $cache)" >&2
# every archive the sources name, those whose path ends in /debian first; the first that serves the file wins
fetched=""
for mirror in $({ printf '%s\n' "${mirrors[@]}" | grep -E '/debian$'; printf '%s\n' "${mirrors[@]}"; } | awk '!seen[$0]++'); do
	if curl -fsS --retry 2 --connect-timeout 15 --max-time 180 -o "$work/redis.tar.gz" "$mirror/pool/main/r/redis/redis_${VERSION}.orig.tar.gz" \
		&& echo "$SHA256  $work/redis.tar.gz" | sha256sum -c --quiet - >/dev/null 2>&1; then
		fetched="$mirror"
		break
	fi
done
if [ -z "$fetched" ]; then
	echo "None of the apt sources' Debian archives (${mirrors[*]}) served redis_${VERSION}.orig.tar.gz with its" \
		"SHA-256: set SAS_REDIS_TEST_REDIS8 to a redis-server 8 binary" >&2
	exit 1
fi
tar -C "$work" -xzf "$work/redis.tar.gz"
if ! make -C "$work/redis-$VERSION" -j"$(nproc)" BUILD_TLS=no >"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log" >&2
	exit 1
fi
mkdir -p "$(dirname "$target")"
cp "$work/redis-$VERSION/src/redis-server" "$target.tmp"
mv "$target.tmp" "$target"
echo "$target"
