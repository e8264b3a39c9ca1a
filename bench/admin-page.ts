/**
 * The admin page's budget (`npm run bench`): what a store owner's browser downloads for `/app`, the
 * script (Chart.js included) and the CSS, minified and gzipped, beside its goal. It never fails.
 */
import { gzipSync } from 'node:zlib';
import { buildAdminUi } from '../admin-ui/build.ts';
import { recordGoal } from './summary.ts';

const GOAL_KB = 120;
const bundle = await buildAdminUi();
const js = gzipSync(bundle.js, { level: 9 }).length / 1024;
const css = gzipSync(bundle.css, { level: 9 }).length / 1024;
console.log(`\nadmin page (/app): script ${(bundle.js.length / 1024).toFixed(1)} KB minified, ${js.toFixed(1)} KB gzipped; CSS ${css.toFixed(1)} KB gzipped`);
console.log(`admin page total ${(js + css).toFixed(1)} KB gzipped  goal ≤ ${GOAL_KB} KB (Chart.js included): ${js + css <= GOAL_KB ? 'met' : 'NOT met'}`);
recordGoal({ figure: 'admin page, script + CSS gzipped', value: `${(js + css).toFixed(1)} KB`, goal: `≤ ${GOAL_KB} KB`, met: js + css <= GOAL_KB });
