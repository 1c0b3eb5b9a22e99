// The accessibility check the suites share: axe-core (npm) injected into the real window, no
// violation of impact serious or critical.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the whole window of `browser`; fails listing every serious or critical
 *  violation, naming `view`. */
export async function axeCheck(browser, view) {
  const injected = await browser.execute(`${AXE};return typeof window.axe === 'object';`);
  assert.ok(injected, 'axe-core did not load in the window');
  const violations = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) =>
        done(
          r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          })),
        ),
      )
      .catch((e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.join(', ')})`),
    [],
    `axe on the ${view}`,
  );
}
