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

"$jlink" --module-path "$target/mods" \
  --add-modules "$modules" \
  --launcher runway=dev.runway.cli/dev.runway.cli.Runway \
  --strip-debug --no-header-files --no-man-pages \
  --output "$image"

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
release=$target/release/$version
mkdir -p "$release/$os/$arch"
tarball=$release/$os/$arch/runway-$version.tar.gz
tar -C "$image/.." --transform "s,^image,runway-$version," -czf "$tarball" image
echo "$version" > "$target/release/release.txt"
(cd "$release" && sha256sum --binary "$os/$arch/runway-$version.tar.gz" > checksums.txt)
echo "runway image: $image ($(du -sh "$image" | cut -f1)); tarball: $tarball"
