#!/usr/bin/env bash
# Runs every benchmark of issue 6 in one go (about 15 minutes on 2 cores) and writes
#   benchmarks/results/results.json   JMH's JSON results
#   benchmarks/results/summary.json   counts, end to end, profile, machine
#   benchmarks/results/chart.svg      the chart, drawn from the two files above
#   benchmarks/README.md              the part between the GENERATED RESULTS markers
# Runs every Redis on the Redis 8 that .ci/redis8.sh provides (building it once from Debian's source package), so
# that our store keeps lookups as hash fields; without one, on the redis-server on the PATH (else the embedded-redis
# binary) with lookups as keys. -Dbench.redis=<binary> in JAVA_OPTS picks another. For the JDBC rows it needs PostgreSQL on
# 127.0.0.1:5432 with trust authentication (user postgres, database test); without it those rows say so.
# Settings go in JAVA_OPTS, for example JAVA_OPTS="-Dbench.pg.url=jdbc:postgresql://127.0.0.1:5432/postgres";
# MVN_ARGS="-o" builds offline.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086
mvn -q ${MVN_ARGS:-} -pl benchmarks -am package -DskipTests
# Run from a private copy of the class path, so that a build (or clean) of the repository during the run cannot
# pull classes from under it.
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sas-redis-bench-XXXXXX")
trap 'rm -rf "$RUN_DIR"' EXIT
mkdir -p "$RUN_DIR/jars" "$RUN_DIR/classes" "$RUN_DIR/demo-classes"
cp -r benchmarks/target/classes/. "$RUN_DIR/classes/"
CP="$RUN_DIR/classes"
n=0
IFS=":" read -r -a ENTRIES < benchmarks/target/classpath.txt || true
for entry in "${ENTRIES[@]}"; do
  n=$((n + 1))
  copy="$RUN_DIR/jars/$n-$(basename "$entry")"
  cp "$entry" "$copy"
  CP="$CP:$copy"
done
if [ -d demo-server/target/classes ]; then
  cp -r demo-server/target/classes/. "$RUN_DIR/demo-classes/"
fi
CP="$CP:$RUN_DIR/demo-classes"
if [[ "${JAVA_OPTS:-}" != *-Dbench.redis=* ]]; then
  if redis8="$(bash .ci/redis8.sh)"; then
    JAVA_OPTS="${JAVA_OPTS:-} -Dbench.redis=$redis8"
  else
    echo "No Redis 8 (see above): the redis-server on the PATH is used, with lookups as keys" >&2
  fi
fi
# shellcheck disable=SC2086
java -Xms1g -Xmx6g -XX:FlightRecorderOptions=stackdepth=256 -Dbench.dir=benchmarks -Dbench.work="$RUN_DIR" ${JAVA_OPTS:-} -cp "$CP" \
  io.github.sasredis.benchmarks.Harness "$@"
