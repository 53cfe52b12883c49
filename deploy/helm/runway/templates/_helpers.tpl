{{/* Names and labels shared by the templates. */}}
{{- define "runway.server.name" -}}
{{ .Release.Name }}-server
{{- end -}}

{{- define "runway.server.blobs" -}}
{{ .Release.Name }}-server-blobs
{{- end -}}

{{- define "runway.runner.name" -}}
{{ .Release.Name }}-runner
{{- end -}}

{{- define "runway.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "runway.labels" -}}
app.kubernetes.io/part-of: runway
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* The scheme the server speaks: https when it has a certificate. */}}
{{- define "runway.server.scheme" -}}
{{ if .Values.server.tlsSecret }}https{{ else }}http{{ end }}
{{- end -}}
