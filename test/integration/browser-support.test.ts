import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser } from '../support/browser.ts';
import { listen, type LocalServer } from '../support/http-server.ts';

const PAGE = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width">
    <title>Status</title>
  </head>
  <body>
    <h1>All systems operational</h1>
    <p style="display:none">Hidden maintenance note</p>
  </body>
</html>`;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the headless Chromium test support', () => {
  let server: LocalServer;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    });
    browser = await launchBrowser();
    dir = await mkdtemp(join(tmpdir(), 'browser-support-'));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([browser.close(), server.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('reads the text a person sees, leaving out what display:none hides', async () => {
    const page = await browser.open(server.url);
    const text = await page.text();
    expect(text).toContain('All systems operational');
    expect(text).not.toContain('Hidden maintenance note');
    // The hidden text is in the document: text() leaves it out because it is not shown.
    expect(await page.evaluate<string>('document.body.textContent')).toContain('Hidden maintenance note');
    await page.close();
  });

  it('lays the page out 390 pixels wide on a phone viewport', async () => {
    const page = await browser.open(server.url, {
      width: 390,
      height: 844,
      mobile: true,
      deviceScaleFactor: 3,
    });
    expect(await page.evaluate<number>('window.innerWidth')).toBe(390);
    await page.close();
  });

  it('writes a screenshot as a PNG file', async () => {
    const page = await browser.open(server.url);
    const path = join(dir, 'status.png');
    await page.screenshot(path, { fullPage: true });
    expect((await readFile(path)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    await page.close();
  });

  it('rejects an evaluation with the error the page threw', async () => {
    const page = await browser.open(server.url);
    await expect(page.evaluate("throw new Error('the page broke')")).rejects.toThrow('the page broke');
    await page.close();
  });
});
