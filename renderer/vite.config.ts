import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Runs in Node, but lives in the renderer folder whose lint zone forbids Node imports:
// import.meta.dirname needs none.
const root = import.meta.dirname;

// base './' so the same build loads from the bridge (http) and from Electron's sift-app:// scheme.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${root}/dist`,
    emptyOutDir: true,
    // No inline scripts or styles: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: { fs: { allow: [`${root}/..`] } },
});
