#!/usr/bin/env bash
# Runway's benchmark suite in one command (docs/benchmarks.md): builds the image and the harness class paths, then
# runs dev.runway.it.bench.Benchmarks, which prints one table and writes it to bench/target/benchmarks.json.
#   bench/run.sh [--no-build] [--quick] [--runs N] [--jobs N] [--pipelines N] [--idle-seconds S] [--mib M] [--storage-scale D] [--only a,b,...]
# Root is needed for the systemd rows (a systemd booted in a namespace); without it they are skipped, with the reason.
# RUNWAY_BENCH_HOME (default bench/) is where target/ goes; RUNWAY_BENCH_IMAGE (default the distribution module's)
# is the image measured: two runs with different homes do not disturb each other's files.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
home=${RUNWAY_BENCH_HOME:-$repo/bench}
image=${RUNWAY_BENCH_IMAGE:-$repo/modules/distribution/target/image}
build=1
args=()
for arg in "$@"; do
  if [ "$arg" = --no-build ]; then build=0; else args+=("$arg"); fi
done
cd "$repo"
if [ "$build" = 1 ]; then
  # package builds the jlink image; build-classpath writes each module's test class path for the harness
  ./mvnw -B -o -q -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
for module in integration-tests modules/taskagent; do
  if [ ! -s "$module/target/bench-classpath.txt" ] || [ ! -d "$module/target/test-classes" ]; then
    echo "bench: $module is not built; run bench/run.sh without --no-build" >&2
    exit 2
  fi
done
# A copy of the image: other builds may rebuild modules/distribution/target/image while the benchmark runs.
rm -rf "$home/target/image"
mkdir -p "$home/target"
cp -a "$image" "$home/target/image"
# Class paths of the harnesses, with this repository's classes and jars copied under bench/target/cp (other
# engineers' builds may clean those target directories while the benchmark runs).
rm -rf "$home/target/cp"
mkdir -p "$home/target/cp"
classpath() {
  local entries entry copies=0 copied=() into="$home/target/cp/$(basename "$1")"
  mkdir -p "$into"
  IFS=: read -r -a entries <<< "$repo/$1/target/test-classes:$repo/$1/target/classes:$(cat "$repo/$1/target/bench-classpath.txt")"
  for entry in "${entries[@]}"; do
    if [ -e "$entry" ] && [[ $entry == "$repo"/* ]]; then
      copies=$((copies + 1))
      cp -a "$entry" "$into/$copies-$(basename "$entry")"
      entry="$into/$copies-$(basename "$entry")"
    fi
    [ -e "$entry" ] && copied+=("$entry")
  done
  (IFS=:; echo "${copied[*]}")
}
it_classpath=$(classpath integration-tests)
taskagent_classpath=$(classpath modules/taskagent)
cd "$home"  # relative paths of the shared fixtures (target/...) land in $home/target
exec java ${RUNWAY_BENCH_JAVA_OPTS-} -cp "$it_classpath" \
  -Dbench.taskagent.classpath="$taskagent_classpath" \
  -Drunway.image="$home/target/image" \
  -Dbench.pipeline.config="$repo/modules/pipeline/src/test/resources/corpus/QuinnyPig__localstack/.circleci/config.yml" \
  dev.runway.it.bench.Benchmarks ${args[@]+"${args[@]}"}
