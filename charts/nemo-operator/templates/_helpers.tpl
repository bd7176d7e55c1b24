{{/*
Chart name, truncated to 63 characters: the limit on a label value.
*/}}
{{- define "nemo-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name for the release's resources. A release already named
after the chart (the usual `helm install nemo-operator ...`) is not doubled.
*/}}
{{- define "nemo-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "nemo-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels for every object the chart renders.
*/}}
{{- define "nemo-operator.labels" -}}
helm.sh/chart: {{ include "nemo-operator.chart" . }}
{{ include "nemo-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: nemo-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: stable across upgrades, because a Deployment's selector is
immutable.
*/}}
{{- define "nemo-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nemo-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the operator runs as, and that the RBAC bindings name.
*/}}
{{- define "nemo-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nemo-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The leader-election Lease. The Deployment passes it to the operator and the
Role grants get/update on this name only.
*/}}
{{- define "nemo-operator.leaseName" -}}
{{- printf "%s-leader" (include "nemo-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Operator image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "nemo-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Refuses value combinations the schema cannot express clearly.
*/}}
{{- define "nemo-operator.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 requires leaderElection.enabled=true: without a leader, every replica would reconcile and they would fight over the same objects" }}
{{- end }}
{{- end }}

{{/*
Whether to render the ServiceMonitor: asked for, and the cluster serves the
Prometheus Operator API (an install would fail on an unknown kind otherwise).
*/}}
{{- define "nemo-operator.serviceMonitorEnabled" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") }}true{{- end }}
{{- end }}
