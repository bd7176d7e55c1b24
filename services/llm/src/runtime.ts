import { hostname } from 'node:os';
import {
  ConcurrencyLimiter,
  openGpuLeases,
  openInsightsEvents,
  pgCheck,
  openOptionalPostgres,
  type ReadinessCheck,
  type S2SSigner,
  type SecretStore,
  ServiceClient,
} from '@nemo/common';
import type { Logger } from 'pino';
import { ChatService } from './chat-service.js';
import { concurrencyOf, type LlmConfig } from './config.js';
import { ConversationStore } from './conversations.js';
import { Generator } from './generator.js';
import { Grounder } from './grounding.js';
import { migrate } from './migrate.js';

export interface LlmRuntime {
  chat: ChatService;
  generator: Generator;
  conversations: ConversationStore | undefined;
  checks: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: LlmConfig;
  signer: S2SSigner;
  logger: Logger;
  secrets?: SecretStore;
  /** Share one loaded model between runtimes (tests). */
  generator?: Generator;
}

/** Everything the service runs on, from its config: model, stores and peer clients. */
export async function openLlm(options: RuntimeOptions): Promise<LlmRuntime> {
  const { config, signer, logger } = options;
  const concurrency = concurrencyOf(config);
  const generator =
    options.generator ??
    (await Generator.load(config.NEMO_MODEL, {
      sequences: concurrency,
      maxQueue: 0,
      ...(config.NEMO_MODELS_DIR ? { dir: config.NEMO_MODELS_DIR } : {}),
    }));
  const pool = await openOptionalPostgres(config, options.secrets, migrate);
  const conversations = pool ? new ConversationStore(pool) : undefined;
  const events = openInsightsEvents({ url: config.NEMO_INSIGHTS_URL, signer, logger });
  const leases = openGpuLeases({
    url: config.NEMO_COORDINATOR_URL,
    signer,
    holder: config.NEMO_POD_NAME ?? hostname(),
    logger,
  });
  const rag = config.NEMO_RAG_URL
    ? new ServiceClient({ baseUrl: config.NEMO_RAG_URL, audience: 'rag', signer, timeoutMs: 5_000, retries: 0 })
    : undefined;
  const grounder = new Grounder({
    rag,
    topK: config.NEMO_RAG_TOP_K,
    tokenBudget: config.NEMO_RAG_TOKEN_BUDGET,
    onFailure: config.NEMO_RAG_FAILURE,
    countTokens: (text) => generator.countTokens(text),
  });
  const chat = new ChatService({
    generator,
    limiter: new ConcurrencyLimiter(concurrency, config.NEMO_LLM_MAX_QUEUE, 'generations'),
    grounder,
    leases,
    conversations,
    events,
    logger,
    settings: {
      ragByDefault: config.NEMO_RAG_ENABLED,
      defaultMaxTokens: config.NEMO_LLM_DEFAULT_MAX_TOKENS,
      msPerToken: config.NEMO_LLM_MS_PER_TOKEN,
      leaseDeadlineMs: config.NEMO_LLM_LEASE_DEADLINE_MS,
    },
  });
  return {
    chat,
    generator,
    conversations,
    checks: pool ? { postgres: pgCheck(pool) } : {},
    close: async () => {
      await chat.drain(10_000);
      await events?.close();
      await pool?.end();
      if (!options.generator) await generator.dispose();
    },
  };
}
