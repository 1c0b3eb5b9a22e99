// Style rules that cost frames. WebKitGTK draws the window on the CPU (src-tauri/src/rendering.rs)
// and a box shadow blurred by less than 4px costs it dearly: a frame behind the panel of a
// 500-claim token took ~27 ms with a 2px blur, ~60 ms with 1px, 7-9 ms with 4px and more, 4 ms
// with no shadow (docs/benchmark.md, fourth round).
import { describe, expect, it } from 'vitest';

/** Every stylesheet and component of the UI, as text, by path. */
const sources: Record<string, string> = import.meta.glob(['../**/*.css', '../**/*.svelte'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** The blur radius of each shadow in a `box-shadow` value, in px (`null`: a length in another unit). */
function blurRadii(value: string): (number | null)[] {
  // Colours such as rgb(0 0 0 / 6%) hold spaces and commas of their own.
  const flat = value.replace(/\([^()]*\)/g, '()');
  return flat
    .split(',')
    .map((shadow) => shadow.trim().split(/\s+/).filter((t) => /^-?[\d.]/.test(t)))
    .filter((lengths) => lengths.length >= 2)
    .map((lengths) => {
      const blur = lengths[2] ?? '0';
      const m = /^([\d.]+)(px)?$/.exec(blur);
      return m ? Number(m[1]) : null;
    });
}

describe('box shadows', () => {
  it('reads the blur radius of each shadow in a value', () => {
    expect(blurRadii('0 1px 2px rgb(0 0 0 / 6%), 0 2px 8px rgb(0 0 0 / 5%)')).toEqual([2, 8]);
    expect(blurRadii('inset 0 2px 0 var(--accent)')).toEqual([0]);
    expect(blurRadii('0 1px rgba(0, 0, 0, 0.1)')).toEqual([0]);
    expect(blurRadii('0 1px 0.2rem black')).toEqual([null]);
    expect(blurRadii('none')).toEqual([]);
  });

  it('blur either not at all or by 4px and more, in px, in every stylesheet', () => {
    const files = Object.keys(sources);
    expect(files).toContain('../app.css');
    expect(files.length).toBeGreaterThan(20);
    const costly: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/(?:box-shadow|--shadow)\s*:\s*([^;]+);/g)) {
        const radii = blurRadii(m[1] ?? '');
        if (radii.some((r) => r === null || (r > 0 && r < 4))) {
          costly.push(`${file}: ${m[0]}`);
        }
      }
    }
    expect(costly).toEqual([]);
  });
});
