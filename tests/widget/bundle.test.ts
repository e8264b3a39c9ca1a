/** The committed widget bundle: current with its sources, and inside the size budget. */
import { describe, expect, it } from 'vitest';
import { widgetBundle } from '../../shared/http/widget-bundle.generated.ts';
import { widgetJs } from '../../shared/http/widget.ts';
import { buildWidget } from '../../widget/build.ts';

const GZIP_BUDGET_BYTES = 15 * 1024;

describe('the widget bundle', () => {
  it('is what `npm run build:widget` makes of widget/ today', async () => {
    const bundle = await buildWidget();

    expect(widgetBundle.hash, 'widget/ changed: run `npm run build:widget`').toBe(bundle.hash);
    expect(widgetJs()).toBe(bundle.js);
  });

  it('is at most 15 KB gzipped', () => {
    const gzipped = Buffer.from(widgetBundle.gzipBase64, 'base64').length;

    expect(gzipped).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });
});
