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

/** An onnxruntime-node session on a file that was already verified. */
export function createSession(file: string, options: RuntimeOptions = {}): Promise<ort.InferenceSession> {
  const providers = options.provider === ExecutionProvider.Cuda ? ['cuda', 'cpu'] : ['cpu'];
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
  };
  if (options.intraOpThreads) sessionOptions.intraOpNumThreads = options.intraOpThreads;
  return ort.InferenceSession.create(file, sessionOptions);
}

export { ort };
