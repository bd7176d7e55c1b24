import { defineConfig } from 'vite';

// The gateway serves dist/ at `/` with a strict CSP (no inline scripts), so
// the build emits only external module scripts and stylesheets.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '^/(auth|v1|api|admin)/': 'http://127.0.0.1:8000' } },
});
