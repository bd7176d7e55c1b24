import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import { cascadeDefaults, MapOf, Quantity, StringEnum, withRules } from './schema-helpers.js';

/**
 * The NemoPlatform API (nemo.dev/v1alpha1): the single source of truth.
 * The CRD in crds/ is generated from these schemas (npm run generate -w
 * operator) and the TypeScript types are derived from them; a test fails
 * when the committed CRD and this file disagree.
 */
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

const Resources = Type.Object(
  {
    requests: Opt(MapOf(Quantity('Amount of this resource.'), 'Minimum resources, e.g. {cpu: 500m, memory: 1Gi}.')),
    limits: Opt(MapOf(Quantity('Amount of this resource.'), 'Maximum resources, e.g. {memory: 2Gi}.')),
  },
  { description: 'CPU and memory for each pod; the operator sets GPU resources itself.' },
);

const Toleration = Type.Object(
  {
    key: Opt(Type.String({ description: 'Taint key to tolerate; empty with operator Exists matches all.' })),
    operator: Opt(StringEnum(['Exists', 'Equal'], { description: 'How key and value are compared.' })),
    value: Opt(Type.String({ description: 'Taint value, with operator Equal.' })),
    effect: Opt(
      StringEnum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], {
        description: 'Effect to tolerate; empty means all.',
      }),
    ),
    tolerationSeconds: Opt(Type.Integer({ description: 'For NoExecute: how long the pod stays bound.', minimum: 0 })),
  },
  { description: 'A Kubernetes toleration.' },
);

const Placement = {
  resources: Opt(Resources),
  nodeSelector: Opt(MapOf(Type.String(), 'Node labels the pods must match, added to the operator’s own affinity.')),
  tolerations: Opt(Type.Array(Toleration, { description: 'Extra tolerations for the pods.', maxItems: 32 })),
};

const replicas = (def: number) =>
  Opt(Type.Integer({ description: 'Number of pods.', minimum: 0, maximum: 50, default: def }));
const enabled = (def: boolean) => Opt(Type.Boolean({ description: 'Whether to run this component.', default: def }));

const Gpu = withRules(
  Type.Object(
    {
      count: Opt(
        Type.Integer({ description: 'nvidia.com/gpu per pod; 0 runs on CPU.', minimum: 0, maximum: 16, default: 1 }),
      ),
      product: Opt(
        Type.String({
          description: 'Required nvidia.com/gpu.product node label, e.g. NVIDIA-H100-80GB-HBM3.',
          maxLength: 128,
        }),
      ),
      minMemoryMiB: Opt(
        Type.Integer({ description: 'Minimum nvidia.com/gpu.memory (MiB) of the node’s GPUs.', minimum: 1 }),
      ),
      placement: Opt(
        StringEnum(['spread', 'pack'], {
          description:
            'spread: replicas prefer different nodes (survives a node loss). pack: replicas prefer nodes already running GPU pods (keeps whole nodes free).',
          default: 'spread',
        }),
      ),
      sharing: Opt(
        StringEnum(['exclusive', 'timeSliced'], {
          description:
            'exclusive: the workload owns its GPUs. timeSliced: LLM and ASR share GPUs and take turns through the coordinator.',
          default: 'exclusive',
        }),
      ),
    },
    { description: 'GPUs for this workload.' },
  ),
  [
    {
      rule: '!has(self.product) || (has(self.count) && self.count >= 1)',
      message: 'gpu.count must be at least 1 when gpu.product is set',
    },
    {
      rule: '!has(self.minMemoryMiB) || (has(self.count) && self.count >= 1)',
      message: 'gpu.count must be at least 1 when gpu.minMemoryMiB is set',
    },
    {
      rule: "!has(self.sharing) || self.sharing != 'timeSliced' || (has(self.count) && self.count >= 1)",
      message: 'gpu.count must be at least 1 when gpu.sharing is timeSliced',
    },
  ],
);

const Model = (name: string, format: 'gguf' | 'onnx' | 'ctranslate2') =>
  Type.Object(
    {
      name: Opt(Type.String({ description: 'Catalog name of the model (models/catalog.yaml).', default: name })),
      uri: Opt(Type.String({ description: 'Where production pulls the weights from, e.g. hf://org/model.' })),
      format: Opt(StringEnum(['gguf', 'onnx', 'ctranslate2'], { description: 'Weights format.', default: format })),
    },
    { description: 'The model to serve.' },
  );

const Images = Type.Object(
  {
    registry: Opt(
      Type.String({ description: 'Registry and path prefix of the images.', default: 'ghcr.io/nemo-platform' }),
    ),
    tag: Opt(Type.String({ description: 'Image tag for every component.', default: '0.1.0', maxLength: 128 })),
    pullPolicy: Opt(
      StringEnum(['Always', 'IfNotPresent', 'Never'], { description: 'Image pull policy.', default: 'IfNotPresent' }),
    ),
    pullSecrets: Opt(
      Type.Array(Type.String({ description: 'A Secret name.' }), {
        description: 'Names of image pull Secrets.',
        maxItems: 8,
      }),
    ),
  },
  { description: 'Where the component images come from.' },
);

const Gateway = Type.Object(
  {
    replicas: replicas(2),
    ingress: Opt(
      Type.Object(
        {
          enabled: Opt(Type.Boolean({ description: 'Create an Ingress for the gateway.', default: false })),
          className: Opt(Type.String({ description: 'IngressClass name.' })),
          host: Opt(Type.String({ description: 'Public host name, e.g. nemo.example.com.' })),
          tls: Opt(
            Type.Object(
              { secretName: Type.String({ description: 'Secret holding tls.crt and tls.key.' }) },
              { description: 'TLS for the host.' },
            ),
          ),
        },
        { description: 'Public access through an ingress controller.' },
      ),
    ),
    cors: Opt(
      Type.Object(
        {
          allowedOrigins: Opt(
            Type.Array(Type.String({ description: 'An origin, e.g. https://app.example.com.' }), {
              description: 'Origins allowed to call the API from a browser.',
              maxItems: 64,
            }),
          ),
        },
        { description: 'Cross-origin requests.' },
      ),
    ),
    rateLimit: Opt(
      Type.Object(
        {
          requestsPerMinute: Opt(
            Type.Integer({ description: 'Sustained requests per user per minute.', minimum: 1, default: 600 }),
          ),
          burst: Opt(
            Type.Integer({ description: 'Requests allowed above the rate in a burst.', minimum: 0, default: 100 }),
          ),
          failMode: Opt(
            StringEnum(['closed', 'open'], {
              description: 'When Redis is down: closed refuses with 503, open lets requests through.',
              default: 'closed',
            }),
          ),
        },
        { description: 'Per-user rate limits.' },
      ),
    ),
    auth: Opt(
      Type.Object(
        {
          accessTokenTTL: Opt(
            Type.String({ description: 'Access token lifetime.', pattern: '^[0-9]+(s|m|h)$', default: '15m' }),
          ),
          refreshTokenTTL: Opt(
            Type.String({ description: 'Refresh token lifetime.', pattern: '^[0-9]+(s|m|h)$', default: '720h' }),
          ),
        },
        { description: 'Login tokens.' },
      ),
    ),
    ...Placement,
  },
  { description: 'The API gateway: the only public surface.' },
);

const Llm = Type.Object(
  {
    enabled: enabled(true),
    replicas: replicas(1),
    model: Opt(Model('gemma-3-270m-q4-k-m', 'gguf')),
    gpu: Opt(Gpu),
    rag: Opt(
      Type.Object(
        {
          enabled: Opt(Type.Boolean({ description: 'Ground answers in RAG by default.', default: true })),
          topK: Opt(Type.Integer({ description: 'Passages to inject.', minimum: 1, maximum: 50, default: 4 })),
        },
        { description: 'Retrieval-augmented generation.' },
      ),
    ),
    ...Placement,
  },
  { description: 'Chat with a Gemma-family model.' },
);

const Transcription = Type.Object(
  {
    enabled: enabled(true),
    replicas: replicas(1),
    model: Opt(Model('whisper-tiny-en-ct2', 'ctranslate2')),
    gpu: Opt(Gpu),
    diarization: Opt(
      Type.Object(
        {
          enabled: Opt(Type.Boolean({ description: 'Label speakers.', default: true })),
          maxSpeakers: Opt(
            Type.Integer({ description: 'Upper bound on speakers.', minimum: 1, maximum: 20, default: 8 }),
          ),
        },
        { description: 'Speaker diarization.' },
      ),
    ),
    emotion: Opt(Type.Boolean({ description: 'Send segments to emotion analysis.', default: true })),
    ragIndexing: Opt(Type.Boolean({ description: 'Index finished transcripts in RAG.', default: true })),
    ...Placement,
  },
  { description: 'Speech-to-text, batch and real time.' },
);

const Rag = Type.Object(
  {
    enabled: enabled(true),
    replicas: replicas(1),
    embeddingModel: Opt(
      Type.String({ description: 'Catalog name of the embedding model.', default: 'all-minilm-l6-v2' }),
    ),
    index: Opt(
      Type.Object(
        {
          type: Opt(
            StringEnum(['flat', 'hnsw'], {
              description: 'flat is exact; hnsw is approximate and faster.',
              default: 'flat',
            }),
          ),
          persistence: Opt(
            Type.Object(
              {
                size: Opt(Quantity('Volume size for the index.', '10Gi')),
                storageClass: Opt(Type.String({ description: 'StorageClass; the cluster default when empty.' })),
              },
              { description: 'Where the index lives.' },
            ),
          ),
        },
        { description: 'The vector index.' },
      ),
    ),
    ...Placement,
  },
  { description: 'Embeddings and FAISS search, with encrypted stores.' },
);

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "no extra fields"
const Simple = <P extends TProperties = {}>(description: string, extra: P = {} as P) =>
  Type.Object({ enabled: enabled(true), replicas: replicas(1), ...extra, ...Placement }, { description });

const Coordinator = Type.Object(
  {
    enabled: enabled(true),
    replicas: replicas(1),
    priorities: Opt(
      Type.Object(
        {
          realtime: Opt(Type.Integer({ description: 'Weight of live transcription.', minimum: 1, default: 100 })),
          interactive: Opt(Type.Integer({ description: 'Weight of chat.', minimum: 1, default: 50 })),
          batch: Opt(Type.Integer({ description: 'Weight of file transcription.', minimum: 1, default: 10 })),
        },
        { description: 'Relative share of GPU time per class of work.' },
      ),
    ),
    maxQueue: Opt(Type.Integer({ description: 'Waiting requests before refusing with 429.', minimum: 0, default: 64 })),
    leaseSeconds: Opt(
      Type.Integer({
        description: 'How long a GPU lease lasts unless renewed.',
        minimum: 1,
        maximum: 600,
        default: 30,
      }),
    ),
    ...Placement,
  },
  { description: 'Arbitrates GPU time between LLM and ASR work.' },
);

const SecretRef = Type.Object(
  { name: Type.String({ description: 'Name of a Secret in the NemoPlatform’s namespace.', minLength: 1 }) },
  { description: 'A Secret holding the connection details (key url).' },
);

const Datastore = (what: string, size: string) =>
  withRules(
    Type.Object(
      {
        mode: Opt(
          StringEnum(['managed', 'external'], {
            description: `managed: the operator runs ${what} as a StatefulSet. external: use an existing one.`,
            default: 'managed',
          }),
        ),
        storage: Opt(
          Type.Object(
            {
              size: Opt(Quantity('Volume size.', size)),
              storageClass: Opt(Type.String({ description: 'StorageClass; the cluster default when empty.' })),
            },
            { description: 'Volume of the managed StatefulSet.' },
          ),
        ),
        external: Opt(
          Type.Object(
            {
              secretRef: Opt(SecretRef),
              cidr: Opt(Type.String({ description: 'Network of the external server, for egress policy.' })),
              port: Opt(Type.Integer({ description: 'Port of the external server.', minimum: 1, maximum: 65535 })),
            },
            { description: `Where the external ${what} is.` },
          ),
        ),
      },
      { description: `${what}.` },
    ),
    [
      {
        rule: "!has(self.mode) || self.mode != 'external' || (has(self.external) && has(self.external.secretRef))",
        message: `an external ${what} requires external.secretRef`,
      },
    ],
  );

const Secrets = withRules(
  Type.Object(
    {
      mode: Opt(
        StringEnum(['generated', 'sealed', 'external'], {
          description:
            'generated: the operator creates keys once. sealed: from SealedSecrets. external: from existing Secrets.',
          default: 'generated',
        }),
      ),
      rotation: Opt(Type.String({ description: 'Change this token to rotate generated keys.', maxLength: 64 })),
      sealedSecrets: Opt(
        Type.Array(Type.String({ description: 'A SealedSecret name.' }), {
          description: 'Names of SealedSecrets, with mode sealed.',
          maxItems: 16,
        }),
      ),
      externalSecretName: Opt(Type.String({ description: 'Name of the Secret to use, with mode external.' })),
    },
    { description: 'How platform secrets are provided.' },
  ),
  [
    {
      rule: "!has(self.mode) || self.mode != 'external' || has(self.externalSecretName)",
      message: 'secrets.mode external requires secrets.externalSecretName',
    },
    {
      rule: "!has(self.mode) || self.mode != 'sealed' || (has(self.sealedSecrets) && size(self.sealedSecrets) > 0)",
      message: 'secrets.mode sealed requires at least one name in secrets.sealedSecrets',
    },
  ],
);

const LabelMap = (d: string) => Opt(MapOf(Type.String(), d));

export const NemoPlatformSpec = cascadeDefaults(
  Type.Object(
    {
      images: Opt(Images),
      gateway: Opt(Gateway),
      llm: Opt(Llm),
      transcription: Opt(Transcription),
      rag: Opt(Rag),
      emotion: Opt(Simple('Emotion analysis of text and transcript segments.')),
      insights: Opt(
        Simple('Analytics over platform events.', {
          retentionDays: Opt(
            Type.Integer({ description: 'Days raw events are kept; rollups stay.', minimum: 1, default: 90 }),
          ),
        }),
      ),
      coordinator: Opt(Coordinator),
      redis: Opt(Datastore('Redis', '1Gi')),
      postgres: Opt(Datastore('PostgreSQL', '10Gi')),
      secrets: Opt(Secrets),
      networkPolicy: Opt(
        Type.Object(
          {
            enabled: Opt(Type.Boolean({ description: 'Fence the platform with NetworkPolicies.', default: true })),
            ingressNamespaceSelector: LabelMap('Labels of the ingress controller’s namespace.'),
            prometheusNamespaceSelector: LabelMap('Labels of the namespace Prometheus scrapes from.'),
          },
          { description: 'Network isolation.' },
        ),
      ),
      observability: Opt(
        Type.Object(
          {
            otlpEndpoint: Opt(Type.String({ description: 'OTLP/HTTP endpoint for traces, e.g. http://otel:4318.' })),
            serviceMonitor: Opt(Type.Boolean({ description: 'Create Prometheus ServiceMonitors.', default: false })),
          },
          { description: 'Tracing and metrics.' },
        ),
      ),
      modelCache: Opt(
        Type.Object(
          {
            size: Opt(Quantity('Volume size for model weights.', '20Gi')),
            storageClass: Opt(Type.String({ description: 'StorageClass; the cluster default when empty.' })),
          },
          { description: 'The shared model cache volume.' },
        ),
      ),
    },
    { description: 'The desired platform. Every field has a default, so an empty spec is a full platform.' },
  ),
);
export type NemoPlatformSpec = Static<typeof NemoPlatformSpec>;

const Condition = Type.Object(
  {
    type: Type.String({
      description: 'Ready, Progressing, Degraded, GpuScheduled, SecretsReady or NetworkPolicyReady.',
    }),
    status: StringEnum(['True', 'False', 'Unknown'], { description: 'Condition status.' }),
    reason: Type.String({ description: 'One CamelCase word, e.g. GpuUnavailable.' }),
    message: Type.String({ description: 'What happened and what to do about it.' }),
    lastTransitionTime: Type.String({ description: 'When status last changed.', format: 'date-time' }),
    observedGeneration: Opt(Type.Integer({ description: 'Generation the condition was computed for.' })),
  },
  { description: 'A metav1.Condition.' },
);
export type Condition = Static<typeof Condition>;

const ComponentStatus = Type.Object(
  {
    ready: Type.Integer({ description: 'Ready pods.' }),
    desired: Type.Integer({ description: 'Desired pods.' }),
  },
  { description: 'Pods of one component.' },
);

export const NemoPlatformStatus = Type.Object(
  {
    observedGeneration: Opt(Type.Integer({ description: 'The spec generation this status describes.' })),
    phase: Opt(
      StringEnum(['Pending', 'Progressing', 'Ready', 'Degraded', 'Deleting'], {
        description: 'Summary of the conditions.',
      }),
    ),
    conditions: Opt(
      Type.Array(Condition, {
        description: 'Current conditions.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    components: Opt(MapOf(ComponentStatus, 'Ready and desired pods per component.')),
    gpu: Opt(
      Type.Object(
        {
          requested: Opt(Type.Integer({ description: 'GPUs requested by all workloads.' })),
          assignments: Opt(
            Type.Array(
              Type.Object(
                {
                  component: Type.String({ description: 'llm or transcription.' }),
                  node: Type.String({ description: 'Node the pod runs on.' }),
                  count: Type.Integer({ description: 'GPUs held.' }),
                  product: Opt(Type.String({ description: 'nvidia.com/gpu.product of the node.' })),
                },
                { description: 'One pod’s GPUs.' },
              ),
              { description: 'Where GPU workloads run.' },
            ),
          ),
        },
        { description: 'GPU placement.' },
      ),
    ),
    endpoints: Opt(
      Type.Object(
        {
          gateway: Opt(Type.String({ description: 'URL of the gateway.' })),
        },
        { description: 'Where to reach the platform.' },
      ),
    ),
  },
  { description: 'Observed state, written by the operator.' },
);
export type NemoPlatformStatus = Static<typeof NemoPlatformStatus>;
