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

# H2 (the server's store) ships as an automatic module, which jlink refuses: give it the module descriptor kept in
# modules/server/src/jlink (compiled against the jar itself).
for h2 in "$target"/mods/h2-*.jar; do
  if [ -e "$h2" ] && "$java_home/bin/jar" --describe-module --file "$h2" | grep -q automatic; then
    "$java_home/bin/javac" --release 17 --patch-module com.h2database="$h2" -d "$target/h2-module" \
      "$(dirname "$0")/../server/src/jlink/com.h2database/module-info.java"
    "$java_home/bin/jar" --update --file "$h2" -C "$target/h2-module" module-info.class
  fi
done

"$jlink" --module-path "$target/mods" \
  --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages \
  --output "$image"

# Our own launcher instead of jlink's: it follows a symlink (e.g. /usr/local/bin/runway) back to the image, execs
# java (so signals reach the JVM and the pid is the agent's) and takes extra JVM options from RUNWAY_JAVA_OPTS.
cat > "$image/bin/runway" <<'LAUNCHER'
#!/bin/sh
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in /*) self=$link ;; *) self=$(dirname "$self")/$link ;; esac
done
bin=$(cd "$(dirname "$self")" && pwd)
# shellcheck disable=SC2086
exec "$bin/java" -XX:+UseSerialGC $RUNWAY_JAVA_OPTS -m dev.runway.cli/dev.runway.cli.Runway "$@"
LAUNCHER
chmod 755 "$image/bin/runway"

# Class-data sharing: archive the classes a start-up loads, so `runway` starts in a fraction of the time.
classlist=$target/runway-classes.lst
: > "$classlist"
for args in "--version" "--help" "config validate --help"; do
  # shellcheck disable=SC2086
  "$image/bin/java" -XX:DumpLoadedClassList="$classlist.part" -m dev.runway.cli/dev.runway.cli.Runway $args \
    >/dev/null 2>&1 || true
  cat "$classlist.part" >> "$classlist" 2>/dev/null || true
done
sort -u "$classlist" -o "$classlist"
"$image/bin/java" -Xshare:dump -XX:SharedClassListFile="$classlist" \
  -XX:SharedArchiveFile="$image/lib/server/classes.jsa" >/dev/null 2>&1

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
release=$target/release/$version
mkdir -p "$release/$os/$arch"
tarball=$release/$os/$arch/runway-$version.tar.gz
tar -C "$image/.." --transform "s,^image,runway-$version," -czf "$tarball" image
echo "$version" > "$target/release/release.txt"
(cd "$release" && sha256sum --binary "$os/$arch/runway-$version.tar.gz" > checksums.txt)
echo "runway image: $image ($(du -sh "$image" | cut -f1)); tarball: $tarball"
