#!/usr/bin/env bash
# Signs RELEASE_DIR/SHA256SUMS with OpenPGP: writes SHA256SUMS.asc (detached, ASCII armoured). The key is
# RUNWAY_SIGNING_KEY (a key id or fingerprint in gpg's key ring, GNUPGHOME if set); its public half is published as
# runway-release-key.asc next to the releases (docs/install.md, "Verify a release").
set -euo pipefail
release=${1:?usage: sign-release.sh RELEASE_DIR}
key=${RUNWAY_SIGNING_KEY:?RUNWAY_SIGNING_KEY (the signing key id or fingerprint) is not set}
[ -f "$release/SHA256SUMS" ] || { echo "sign-release.sh: no SHA256SUMS in $release" >&2; exit 2; }
rm -f "$release/SHA256SUMS.asc"
gpg --batch --yes --local-user "$key" --armor --detach-sign --output "$release/SHA256SUMS.asc" "$release/SHA256SUMS"
gpg --batch --armor --export "$key" > "$release/runway-release-key.asc"
echo "signed: $release/SHA256SUMS.asc (key $key)"
