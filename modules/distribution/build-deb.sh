#!/usr/bin/env bash
# Builds the Debian package of the jlink image built by build-image.sh (TARGET/image) and writes SHA256SUMS for the
# release files: release/<version>/linux/<arch>/runway_<debversion>_<arch>.deb. Skipped (with a message) where
# dpkg-deb is missing or the build is not for Linux. With RUNWAY_SIGNING_KEY set, sign-release.sh signs SHA256SUMS.
set -euo pipefail
target=$1
version=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
release=$target/release/$version

if [ "$(uname -s)" != Linux ]; then
  echo "deb: skipped (not Linux)"
elif ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "deb: skipped (dpkg-deb not found; install dpkg to build the .deb)"
else
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  # 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT: a snapshot sorts before its release, and "-" would start a Debian revision.
  debversion=${version//-/\~}
  root=$target/deb-root
  rm -rf "$root"
  mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/man/man1" "$root/lib/systemd/system" \
    "$root/etc/opt/runway" "$root/usr/share/doc/runway"
  cp -a "$target/image" "$root/opt/runway"
  ln -s /opt/runway/bin/runway "$root/usr/bin/runway"
  # man finds /usr/share/man without MANPATH; Debian compresses man pages (-n: no time stamp, reproducible).
  for page in "$root"/opt/runway/man/man1/*.1; do
    gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
  done
  # The agent's unit is the one `runway install linux` writes (config-samples/linux/runway.service), started only
  # once its configuration exists: enabling it before that would restart a failing agent every 3 s.
  sed '/^\[Unit\]/a ConditionPathExists=/etc/opt/runway/launch-agent-config.yaml' \
    "$repo/config-samples/linux/runway.service" > "$root/lib/systemd/system/runway.service"
  cp "$repo/config-samples/linux/runway-server.service" "$root/lib/systemd/system/runway-server.service"
  cp "$repo/config-samples/linux/launch-agent-config.yaml" "$root/usr/share/doc/runway/launch-agent-config.yaml"
  cat > "$root/etc/opt/runway/server.env" <<'CONF'
# Environment of runway-server.service (KEY=value lines). Options for `runway server`, e.g.:
#RUNWAY_SERVER_OPTS=--listen 0.0.0.0:7733 --tls-cert /etc/opt/runway/tls/cert.pem --tls-key /etc/opt/runway/tls/key.pem
CONF
  cat > "$root/etc/opt/runway/environment" <<'CONF'
# Environment of runway.service, the launch agent (KEY=value lines): systemd does not pass on a login shell's
# proxy settings, e.g.:
#HTTPS_PROXY=http://proxy.example.com:3128
#NO_PROXY=localhost,127.0.0.1
CONF
  chmod 0700 "$root/etc/opt/runway"
  chmod 0644 "$root/etc/opt/runway/server.env" "$root/etc/opt/runway/environment"
  printf '%s\n' /etc/opt/runway/server.env /etc/opt/runway/environment > "$root/DEBIAN/conffiles"
  cat > "$root/DEBIAN/control" <<CONTROL
Package: runway
Version: $debversion
Architecture: $arch
Maintainer: Runway developers <runway@example.com>
Section: devel
Priority: optional
Depends: passwd
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Homepage: https://github.com/runway-ci/runway
Description: self-hosted CI server and runner, compatible with CircleCI's runner
 The jlink image under /opt/runway (bin/runway, on PATH as /usr/bin/runway), man pages, and systemd units for the
 launch agent (runway.service) and the server (runway-server.service), installed disabled until configured.
CONTROL
  install -m 0755 "$here/deb/postinst" "$root/DEBIAN/postinst"
  install -m 0755 "$here/deb/prerm" "$root/DEBIAN/prerm"
  install -m 0755 "$here/deb/postrm" "$root/DEBIAN/postrm"
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
  mkdir -p "$release/linux/$arch"
  deb=$release/linux/$arch/runway_${debversion}_$arch.deb
  # gzip: xz takes a minute of the build for 20 % less download.
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
  echo "deb: $deb ($(du -sh "$deb" | cut -f1))"
fi

# SHA256SUMS: every release file of this version, in sha256sum format (`sha256sum -c SHA256SUMS` verifies them).
if [ -d "$release" ]; then
  (cd "$release" && find . -type f ! -name 'SHA256SUMS*' ! -name checksums.txt -printf '%P\n' | sort \
    | xargs -r sha256sum --binary > SHA256SUMS)
  echo "SHA256SUMS: $(wc -l < "$release/SHA256SUMS") files"
  if [ -n "${RUNWAY_SIGNING_KEY:-}" ]; then "$here/sign-release.sh" "$release"; fi
fi
