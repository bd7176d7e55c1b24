// Test helpers other workspaces use (the web UI's browser tests upload a PDF).
export { pdfFile, type PdfOptions, type PdfPage } from './pdf.js';
