import * as ort from 'onnxruntime-node';

export const ExecutionProvider = { Cpu: 'cpu', Cuda: 'cuda' } as const;
export type ExecutionProvider = (typeof ExecutionProvider)[keyof typeof ExecutionProvider];

export interface RuntimeOptions {
  /** `cuda` adds the CUDA execution provider (CPU stays as the fallback). */
  readonly provider?: ExecutionProvider;
  readonly intraOpThreads?: number;
}

/** Runtime options from the environment: NEMO_INFERENCE_PROVIDER=cuda, NEMO_INFERENCE_THREADS. */
export function runtimeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  const provider = env.NEMO_INFERENCE_PROVIDER === 'cuda' ? ExecutionProvider.Cuda : ExecutionProvider.Cpu;
  const threads = Number(env.NEMO_INFERENCE_THREADS ?? 0);
  return threads > 0 ? { provider, intraOpThreads: threads } : { provider };
}

/** An onnxruntime-node session on a verified model file, or on the bytes of one. */
export function createSession(model: string | Uint8Array, options: RuntimeOptions = {}): Promise<ort.InferenceSession> {
  const providers = options.provider === ExecutionProvider.Cuda ? ['cuda', 'cpu'] : ['cpu'];
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
  };
  if (options.intraOpThreads) sessionOptions.intraOpNumThreads = options.intraOpThreads;
  // Two calls, not one: create() has an overload for a path and one for bytes, none for either.
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, sessionOptions)
    : ort.InferenceSession.create(model, sessionOptions);
}

export { ort };
