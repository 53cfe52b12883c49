#!/bin/sh
# Downloads, verifies and installs a Runway release, following the download flow of CircleCI's install guide:
#   BASE/release.txt                                  the latest version
#   BASE/VERSION/checksums.txt                        sha256sum lines: "<sha256> *linux/amd64/runway-VERSION.tar.gz"
#   BASE/VERSION/OS/ARCH/runway-VERSION.tar.gz        the runtime image (runway-VERSION/bin/runway, ...)
# (modules/distribution/build-image.sh makes exactly this layout under target/release.)
#
# Usage: RUNWAY_BASE_URL=https://downloads.example.com/runway sh install.sh [-- INSTALL ARGUMENTS]
#   RUNWAY_VERSION   a version instead of the latest
#   RUNWAY_PREFIX    where the image goes (default /opt/runway)
#   After "--": arguments for `runway install`, run from the new image, e.g.
#     sh install.sh -- linux --token-file /root/runway-token --start
#
# Nothing partial is ever installed: the archive is downloaded to a temporary directory, its sha256 checked against
# checksums.txt (a mismatch is refused), unpacked into a staging directory next to the prefix and renamed into place.
set -eu

base_url=${RUNWAY_BASE_URL:?set RUNWAY_BASE_URL to the release download location}
base_url=${base_url%/}
prefix=${RUNWAY_PREFIX:-/opt/runway}

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

case $prefix in
  /*/*|/[!/]*) ;;
  *) fail "RUNWAY_PREFIX must be an absolute path below / (got '$prefix')" ;;
esac

if [ $# -gt 0 ]; then
  [ "$1" = "--" ] || fail "unexpected argument '$1' (runway install arguments go after --)"
  shift
fi

if command -v curl >/dev/null 2>&1; then
  fetch() { curl --fail --silent --show-error --location --output "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget --quiet --output-document="$2" "$1"; }
else
  fail "needs curl or wget"
fi

if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
  fail "needs sha256sum or shasum"
fi

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case $(uname -m) in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac

download=$(mktemp -d "${TMPDIR:-/tmp}/runway-download.XXXXXX")
staging=
cleanup() {
  rm -rf "$download"
  if [ -n "$staging" ]; then rm -rf "$staging"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${RUNWAY_VERSION:-}" ]; then
  version=$RUNWAY_VERSION
else
  echo "Determining the latest version of Runway"
  fetch "$base_url/release.txt" "$download/release.txt" || fail "cannot download $base_url/release.txt"
  version=$(tr -d ' \r\n' < "$download/release.txt")
fi
case $version in
  ''|*[!A-Za-z0-9._+-]*) fail "invalid version '$version'" ;;
esac
echo "Using Runway version $version ($os/$arch)"

file="$os/$arch/runway-$version.tar.gz"
fetch "$base_url/$version/checksums.txt" "$download/checksums.txt" \
  || fail "cannot download $base_url/$version/checksums.txt"
expected=$(grep -F " *$file" "$download/checksums.txt" | cut -d ' ' -f 1 || true)
[ -n "$expected" ] || fail "checksums.txt of $version has no entry for $file: no release for $os/$arch?"

echo "Downloading $file"
fetch "$base_url/$version/$file" "$download/runway.tar.gz" || fail "cannot download $base_url/$version/$file"
echo "Verifying $file"
actual=$(sha256 "$download/runway.tar.gz")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $file: expected $expected, got $actual; refusing to install (try the download again)"
fi

if [ -e "$prefix" ] && [ ! -x "$prefix/bin/runway" ] && [ -n "$(ls -A "$prefix" 2>/dev/null)" ]; then
  fail "refusing to replace $prefix: it exists and is not a runway image (no bin/runway); set RUNWAY_PREFIX"
fi

# Unpacked next to the prefix (same file system), so the final step is a rename.
parent=$(dirname "$prefix")
mkdir -p "$parent"
staging=$(mktemp -d "$parent/.runway-install.XXXXXX")
tar -xzf "$download/runway.tar.gz" -C "$staging" || fail "cannot unpack $file"
new="$staging/runway-$version"
[ -x "$new/bin/runway" ] || fail "$file does not hold runway-$version/bin/runway"
chmod 755 "$new"

# Files of the user's at the prefix (e.g. a launch-task script) move into the new image directory.
if [ -d "$prefix" ]; then
  for entry in "$prefix"/* "$prefix"/.[!.]*; do
    [ -e "$entry" ] || continue
    name=$(basename "$entry")
    case $name in bin|conf|include|legal|lib|man|release) continue ;; esac
    [ -e "$new/$name" ] || cp -pR "$entry" "$new/$name"
  done
  mv "$prefix" "$staging/old"
fi
if ! mv "$new" "$prefix"; then
  if [ -d "$staging/old" ]; then mv "$staging/old" "$prefix"; fi
  fail "cannot move the new image to $prefix"
fi
echo "Installed Runway $version at $prefix"

if [ $# -gt 0 ]; then
  cleanup
  trap - EXIT
  echo "Running: $prefix/bin/runway install $*"
  exec "$prefix/bin/runway" install "$@"
fi
