// The console's build: one page, its scripts and styles hashed under assets/, nothing fetched from elsewhere.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/oauth_redirect': 'http://localhost:3000' } },
});
