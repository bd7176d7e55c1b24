// Test helpers for rag's own tests and other workspaces': a rag to call (harness), PDFs to
// upload (also at @nemo/rag/testing/pdf, for callers that should not load the service).
export * from './harness.js';
export { InferenceEmbedder } from '../inference-embedder.js';
export { pdfFile, type PdfOptions, type PdfPage } from './pdf.js';
