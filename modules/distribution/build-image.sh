#!/usr/bin/env bash
# Builds the jlink image (target/image), the release tarball and checksums.txt in the layout the install script
# downloads: release/<version>/<os>/<arch>/runway-<version>.tar.gz and release/<version>/checksums.txt.
set -euo pipefail
target=$1
version=$2
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
jlink=$java_home/bin/jlink
image=$target/image
rm -rf "$image" "$target/release"

# JDK modules beyond what the application modules name: TLS key exchange for https servers, zip file system.
extra=()
for m in jdk.crypto.ec jdk.zipfs; do
  if "$java_home/bin/java" --list-modules | grep -q "^$m@"; then extra+=("$m"); fi
done
modules="dev.runway.cli,dev.runway.launcher.linux,dev.runway.launcher.macos,$(IFS=,; echo "${extra[*]}")"
modules=${modules%,}

# Libraries that ship as automatic modules, which jlink refuses (H2 and the PostgreSQL driver, the server's stores;
# Prometheus' Java client, its metrics; aircompressor, the task agent's zstd): each gets the module descriptor kept
# beside the module that uses it, in modules/<module>/src/jlink/<module name>/module-info.java, compiled against the
# jar itself (the other jars on the module path) and added to it. One without a descriptor stops here.
modules_dir=$(dirname "$0")/..
for jar in "$target"/mods/*.jar; do
  name=$("$java_home/bin/jar" --describe-module --file "$jar" | awk '/ automatic$/ {sub(/@.*/, "", $1); print $1}')
  [ -n "$name" ] || continue
  descriptor=$(ls "$modules_dir"/*/src/jlink/"$name"/module-info.java 2>/dev/null | head -1)
  if [ -z "$descriptor" ]; then
    echo "$(basename "$jar") is an automatic module ($name) and no modules/*/src/jlink/$name/module-info.java" \
      "exists: jlink needs a module descriptor for it" >&2
    exit 1
  fi
  others=$(find "$target/mods" -name '*.jar' ! -path "$jar" | sort | paste -sd: -)
  rm -rf "$target/patched-modules/$name"
  "$java_home/bin/javac" --release 17 -nowarn --module-path "$others" --patch-module "$name=$jar" \
    -d "$target/patched-modules/$name" "$descriptor"
  "$java_home/bin/jar" --update --file "$jar" -C "$target/patched-modules/$name" module-info.class
done

# A root module of one empty class, so that `runway` can start by class name. In JDK 17, `java -m` (and
# --add-modules) turns off CDS's "optimized module handling", and then not one class of ours or of our libraries is
# taken from the archive below. Without -m, the boot layer holds the image's modules that export a package (and what
# they require); dev.runway.cli exports nothing, so this module requires it.
root=$target/image-root
rm -rf "$root"
mkdir -p "$root/src/dev/runway/image" "$root/jar"
cat > "$root/src/module-info.java" <<'ROOT'
/** Puts dev.runway.cli into the image's default boot layer (modules/distribution/build-image.sh says why). */
module dev.runway.image {
    requires dev.runway.cli;
    exports dev.runway.image;
}
ROOT
cat > "$root/src/dev/runway/image/ImageRoot.java" <<'ROOT'
package dev.runway.image;

/** The package a module must export to be a root of the default boot layer; nothing uses this class. */
public final class ImageRoot {
    private ImageRoot() {}
}
ROOT
"$java_home/bin/javac" --release 17 --module-path "$target/mods" -d "$root/classes" \
  "$root/src/module-info.java" "$root/src/dev/runway/image/ImageRoot.java"
"$java_home/bin/jar" --create --file "$root/jar/dev.runway.image.jar" -C "$root/classes" .

"$jlink" --module-path "$target/mods:$root/jar" \
  --add-modules "dev.runway.image,$modules" \
  --strip-debug --no-header-files --no-man-pages \
  --output "$image"

# zstd-jni's native library beside the runtime's own, under its versioned name: the task agent loads it from there
# (taskagent storage.ZstdStreams) instead of zstd-jni unpacking its copy into the temporary directory at each start,
# which fails where that directory is noexec. A platform the jar has no library for keeps the unpacking.
zstd_jar=$(ls "$target"/mods/zstd-jni-*.jar | head -1)
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64|Linux/amd64) zstd_native=linux/amd64 ;;
  Linux/aarch64|Linux/arm64) zstd_native=linux/aarch64 ;;
  Darwin/x86_64) zstd_native=darwin/x86_64 ;;
  Darwin/arm64|Darwin/aarch64) zstd_native=darwin/aarch64 ;;
  *) zstd_native= ;;
esac
if [ -n "$zstd_native" ]; then
  zstd_unpacked=$target/zstd-native
  rm -rf "$zstd_unpacked"
  mkdir -p "$zstd_unpacked"
  (cd "$zstd_unpacked" && "$java_home/bin/jar" --extract --file "$zstd_jar" "$zstd_native/")
  cp "$zstd_unpacked/$zstd_native"/libzstd-jni-* "$image/lib/"
fi

# Our own launcher instead of jlink's: it follows a symlink (e.g. /usr/local/bin/runway) back to the image, execs
# java (so signals reach the JVM and the pid is the agent's) and takes extra JVM options from RUNWAY_JAVA_OPTS.
cat > "$image/bin/runway" <<'LAUNCHER'
#!/bin/sh
# No subshell or helper program on the way (each costs milliseconds of every start) unless bin/runway is a symlink.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in /*) self=$link ;; *) case $self in */*) self=${self%/*}/$link ;; *) self=$link ;; esac ;; esac
done
case $self in */*) bin=${self%/*} ;; *) bin=. ;; esac
# The long-running processes take the serial collector (the smallest footprint); the others keep the default, G1,
# the only collector with which JDK 17 maps the archived module graph (a quicker start). The launch agent mostly
# waits on a long poll: the client compiler alone, small thread stacks and a heap given back after each collection
# keep it small (docs/benchmarks.md, idle launch agent). A task agent, one per job and mostly short-lived, has its
# methods compiled by C1 only after ten times the usual calls and loop turns: fewer compilations that a trivial job
# never repays (about 15 % less CPU per job); its output loop still gets there within its first megabytes.
# RUNWAY_JAVA_OPTS comes last, so it can override any of it.
case ${1-} in
  launch-agent) vm="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=16m -Xms4m
    -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=20" ;;
  task-agent) vm="-XX:Tier3InvocationThreshold=2000 -XX:Tier3MinInvocationThreshold=1000
    -XX:Tier3CompileThreshold=20000 -XX:Tier3BackEdgeThreshold=600000" ;;
  server) vm=-XX:+UseSerialGC ;;
  *) vm= ;;
esac
# By class name with an empty class path, not -m: see dev.runway.image above (the archive's classes are used).
# shellcheck disable=SC2086
exec "$bin/java" $vm -cp "" $RUNWAY_JAVA_OPTS dev.runway.cli.Main "$@"
LAUNCHER
chmod 755 "$image/bin/runway"

# Man pages, one per command (runway-job-submit.1, ...), from the same model as the help pages; `runway install`
# copies them with the image (man finds PREFIX/man when PREFIX/bin is on PATH).
"$image/bin/java" -cp "" dev.runway.cli.Main man-pages "$image/man/man1"
echo "man pages: $(ls "$image/man/man1" | wc -l) in $image/man/man1"

# Class-data sharing: archive the classes that runway's programs load, so that each of them starts in less time.
# Training runs: the short commands, and a quickstart (server, launch agent, management client and one job) whose
# task agent (started through bin/runway, so RUNWAY_JAVA_OPTS reaches it) writes a class list of its own.
lists=$target/class-lists
rm -rf "$lists"
mkdir -p "$lists"
train() {
  local name=$1
  shift
  (cd "$lists" && timeout 300 "$image/bin/java" -XX:+UseSerialGC -XX:DumpLoadedClassList="$lists/$name.lst" -cp "" \
    dev.runway.cli.Main "$@" >"$lists/$name.out" 2>&1 </dev/null) || echo "class list training '$*' failed (see $lists/$name.out)"
}
train version --version
train help --help
train config-help config validate --help
RUNWAY_JAVA_OPTS="-XX:DumpLoadedClassList=$lists/task-agent.lst" train quickstart quickstart
classlist=$target/runway-classes.lst
# Hidden and generated classes (proxies, lambda forms) cannot be archived from a list. The server's own classes
# (Jetty, H2, PostgreSQL, HikariCP, Prometheus' client) stay out: the JVM relocates the whole archive at start (ArchiveRelocationMode=1),
# so every archived class costs resident memory in every runway process, and the server starts once and runs for long.
cat "$lists"/*.lst 2>/dev/null \
  | grep -v '\$Proxy\|/0x\|org/eclipse/jetty\|org/h2/\|org/postgresql/\|com/zaxxer/\|io/prometheus\|dev/runway/server' | sort -u > "$classlist"
"$image/bin/java" -Xshare:dump -XX:SharedClassListFile="$classlist" -cp "" \
  -XX:SharedArchiveFile="$image/lib/server/classes.jsa" >"$lists/dump.out" 2>&1
echo "class-data sharing: $(wc -l < "$classlist") classes archived"

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
release=$target/release/$version
mkdir -p "$release/$os/$arch"
tarball=$release/$os/$arch/runway-$version.tar.gz
tar -C "$image/.." --transform "s,^image,runway-$version," -czf "$tarball" image
echo "$version" > "$target/release/release.txt"
(cd "$release" && sha256sum --binary "$os/$arch/runway-$version.tar.gz" > checksums.txt)
echo "runway image: $image ($(du -sh "$image" | cut -f1)); tarball: $tarball"
