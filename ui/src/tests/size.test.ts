// The house rule of issue 17.4: no component over about 300 lines. A component that grows past
// it is split along its seams (as ResultView was into TokenTabs when the API panels joined it).
import { describe, expect, it } from 'vitest';

const components: Record<string, string> = import.meta.glob('../lib/components/*.svelte', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const LIMIT = 300;

describe('component size', () => {
  it('reads every component', () => {
    expect(Object.keys(components).length).toBeGreaterThan(20);
  });

  it(`keeps every component at ${LIMIT} lines or fewer`, () => {
    const over = Object.entries(components)
      .map(([path, text]) => [path.replace('../lib/components/', ''), text.split('\n').length - 1] as const)
      .filter(([, lines]) => lines > LIMIT);
    expect(over).toEqual([]);
  });
});
