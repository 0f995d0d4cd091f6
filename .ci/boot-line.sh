#!/usr/bin/env bash
# Builds and tests the project on another Spring Boot line: a copy of the tree (without build output) whose
# parent is spring-boot-starter-parent <version>. Extra arguments go to Maven.
# Usage: bash .ci/boot-line.sh 4.1.2 -Dnetty.version=4.2.18.Final -Dkafka.version=4.3.1
set -euo pipefail
version="$1"
shift
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -C "$src" --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -C "$work" -xf -
sed -i "0,/<version>4\.0\.[0-9]*<\/version>/s//<version>${version}<\/version>/" "$work/pom.xml"
grep -q "<version>${version}</version>" "$work/pom.xml"
echo "Building on spring-boot-starter-parent ${version}"
cd "$work"
mvn verify "$@"
