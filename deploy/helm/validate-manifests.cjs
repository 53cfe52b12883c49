// Validates rendered Kubernetes manifests (a multi-document YAML file) against the Kubernetes and KEDA JSON schemas
// that kubernetes-models ships (generated from the APIs' OpenAPI documents): types, required fields, enums and
// formats. Fields a schema does not name are not refused (the schemas allow them, as kubeconform does without
// -strict). Every kind the chart renders must be known here; an unknown one fails.
// Usage: NODE_PATH=DIR/schemas/node_modules node validate-manifests.cjs FILE   (deploy/helm/test-tools.sh makes DIR)
"use strict";
const fs = require("fs");
const YAML = require("yaml");

const MODELS = {
  "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
  "v1/Secret": ["kubernetes-models/v1/Secret", "Secret"],
  "v1/Service": ["kubernetes-models/v1/Service", "Service"],
  "v1/PersistentVolumeClaim": ["kubernetes-models/v1/PersistentVolumeClaim", "PersistentVolumeClaim"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
  "networking.k8s.io/v1/Ingress": ["kubernetes-models/networking.k8s.io/v1/Ingress", "Ingress"],
  "keda.sh/v1alpha1/ScaledObject": ["@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject", "ScaledObject"],
  "keda.sh/v1alpha1/TriggerAuthentication":
    ["@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication", "TriggerAuthentication"],
};

const file = process.argv[2];
let failures = 0;
let checked = 0;
for (const document of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
  if (document.errors.length > 0) {
    console.log(`${file}: not YAML: ${document.errors[0].message}`);
    failures++;
    continue;
  }
  const manifest = document.toJS();
  if (manifest === null) {
    continue;
  }
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const name = `${key} ${manifest.metadata && manifest.metadata.name}`;
  const model = MODELS[key];
  if (!model) {
    console.log(`${name}: no schema known for this kind`);
    failures++;
    continue;
  }
  const Model = require(model[0])[model[1]];
  try {
    new Model(manifest).validate();
    checked++;
  } catch (e) {
    console.log(`${name}: ${e.message}`);
    failures++;
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
