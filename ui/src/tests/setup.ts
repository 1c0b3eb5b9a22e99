// Vitest set-up: DOM matchers, and a clean Tauri mock and DOM after each test.
import '@testing-library/jest-dom/vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  clearMocks();
});
