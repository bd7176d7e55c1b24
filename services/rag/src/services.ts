import type { InsightsEventsClient } from '@nemo/common';
import type { Embedder } from './embedder.js';
import type { EmailService } from './email/email-service.js';
import type { IngestionJobs } from './ingest/ingestion-jobs.js';
import type { Ingestor } from './ingest/ingestor.js';
import type { SearchEngine } from './search/search-engine.js';
import type { DocumentStore } from './storage/document-store.js';

/** Everything the routes use, built once by `openRag` (or by a test). */
export interface RagServices {
  store: DocumentStore;
  engine: SearchEngine;
  embedder: Embedder;
  ingestor: Ingestor;
  jobs: IngestionJobs;
  /** Absent when no PostgreSQL is configured. */
  emails: EmailService | undefined;
  /** Absent when no insights service is configured: searches are not counted. */
  events: InsightsEventsClient | undefined;
}
