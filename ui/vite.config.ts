/// <reference types="vitest/config" />
// Builds the UI into ui/dist, which the Tauri shell embeds (tauri.conf.json `frontendDist`).
// The window's CSP allows only the app's own scripts and styles, so the build must emit external
// JS and CSS files only: no inline <script> or <style>, no remote assets.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would become data: URLs; keep every asset a file under 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/tests/setup.ts'],
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
