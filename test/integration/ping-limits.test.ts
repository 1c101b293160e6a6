import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PING_MESSAGE_BYTES } from '../../functions/http/ping-request.ts';
import { startFunction, type FunctionProcess } from '../support/function-process.ts';
import { freshProject, Poller } from '../support/poller.ts';

const KEY = 'k3y-0123456789abcdef';
const WRONG = 'wrong-key-0123456789';
const MB = 1024 * 1024;

interface EarlyAnswer {
  status: number;
  /** `close` when the server reads no more of the connection. */
  connection: string | undefined;
  body: string;
}

/**
 * A POST whose body never ends: headers only, or chunks for as long as the server takes them (up
 * to `upTo` bytes). Resolves with the answer as soon as it comes; a server that waits for the
 * whole body never answers, and this rejects after `ms`.
 */
function postWithoutEnd(
  url: string,
  headers: Record<string, string | number>,
  chunks: { bytes: number; upTo: number } | null,
  ms = 5_000,
): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers });
    let sent = 0;
    let answered = false;
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${ms} ms, ${sent} bytes of the body sent and no end`));
    }, ms);
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body });
      });
    });
    req.on('error', (error) => {
      // Once answered, the server may close the connection on a body still being written.
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    req.flushHeaders();
    if (!chunks) return;
    const chunk = Buffer.alloc(chunks.bytes, 'x');
    const pump = () => {
      while (!answered && sent < chunks.upTo) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

const thirtyMegabytes = { 'content-type': 'text/plain', 'content-length': 30 * MB };
const chunked = { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' };
const streaming = { bytes: 16 * 1024, upTo: 30 * MB };

describe('the ping, served by functions-framework (getTestServer), against the Firestore emulator', () => {
  let poller: Poller;
  let db: Firestore;

  beforeAll(async () => {
    const project = freshProject();
    db = new Firestore({ projectId: project });
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: project, PING_KEY: KEY },
      'targets:\n  - { name: nightly-backup, kind: push, every: 1d }\n  - { name: burst, kind: push, every: 1h }\n',
    );
  });

  afterAll(async () => {
    await poller.close();
    await db.terminate();
  });

  it.each([
    ['a wrong key, whatever its Content-Length', WRONG, thirtyMegabytes, null, 404],
    ['a wrong key, whatever it streams', WRONG, chunked, streaming, 404],
    ['the right key, from a Content-Length over 100 KB', KEY, thirtyMegabytes, null, 413],
    ['the right key, once a chunked body passes 100 KB', KEY, chunked, streaming, 413],
  ])(
    'refuses an oversized POST with %s, before the body has been sent, and reads no more',
    async (...row) => {
      const [, key, headers, chunks, status] = row;
      const answer = await postWithoutEnd(`${poller.pingUrl}/${key}/nightly-backup`, headers, chunks);
      expect(answer).toMatchObject({ status, connection: 'close' });
    },
  );

  it('keeps the first 10 KB of a body that fits', async () => {
    const body = 'a'.repeat(50 * 1024);
    expect(await poller.ping(`/${KEY}/nightly-backup`, { method: 'POST', body })).toEqual({
      status: 200,
      body: 'OK\n',
    });
    const slots = (await db.collection('pings').doc('nightly-backup').get()).get('slots') as Record<
      string,
      { message: string }
    >;
    expect(Object.values(slots).map((p) => p.message.length)).toContain(MAX_PING_MESSAGE_BYTES);
  });

  it('answers a path that is not valid percent-encoding with a plain 404 and one log line without the key', async () => {
    const before = poller.logs.length;
    expect(await poller.ping(`/${KEY}%/nightly-backup`, { method: 'POST', body: 'ok' })).toEqual({
      status: 404,
      body: 'not found\n',
    });
    expect(await poller.ping(`/${KEY}/nightly%E2%82-backup`)).toEqual({ status: 404, body: 'not found\n' });
    const lines = poller.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ severity: 'WARNING', refused: 'malformed path' }),
      expect.objectContaining({ severity: 'WARNING', refused: 'malformed path' }),
    ]);
    expect(poller.logs.filter((line) => line.includes(KEY))).toEqual([]);
  });

  it('never logs the key, whatever the ping', async () => {
    for (const path of [
      `/${KEY}/nightly-backup/start`,
      `/${KEY}/nightly-backup/fail?msg=disk%20full`,
      `/${KEY}/nightly-backup/0`,
      `/${KEY}/no-such-job`,
      `/${KEY}/nightly-backup/later`,
      `/${KEY}%zz`,
    ]) {
      await poller.ping(path, { method: 'POST', body: 'backup failed: disk full' });
    }
    expect(poller.logs.filter((line) => line.includes(KEY))).toEqual([]);
  });

  it('takes 150 concurrent pings with 10 KB bodies to one target, and its document stays under 1 MiB', async () => {
    const body = 'b'.repeat(10 * 1024);
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => poller.ping(`/${KEY}/burst/start`, { method: 'POST', body })),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const stored = (await db.collection('pings').doc('burst').get()).data();
    // JSON spends more bytes than Firestore's own measure of a document, so this is on the safe side.
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(MB / 2);
  });
});

/** What Cloud Run runs: `functions-framework --target=ping`, its stdout and stderr captured whole. */
describe('the ping, started as Cloud Run starts it (functions-framework --target=ping)', () => {
  let fn: FunctionProcess;
  let url: string;
  const stdout = () => fn.output().stdout;
  const stderr = () => fn.output().stderr;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ping-process-'));
    const targetsFile = join(dir, 'targets.yaml');
    await writeFile(targetsFile, 'targets:\n  - { name: nightly-backup, kind: push, every: 1d }\n');
    fn = await startFunction(
      'ping',
      {
        NODE_ENV: 'production',
        STATE_STORE: 'memory',
        PING_KEY: KEY,
        TARGETS_FILE: targetsFile,
      },
      null,
    );
    url = fn.url;
  }, 30_000);

  afterAll(() => {
    fn.child.kill();
  });

  // The instance's very first request: what protects it is in place before any request arrives.
  it('answers a path that is not valid percent-encoding with a plain 404, and writes the key nowhere', async () => {
    const answer = await fetch(`${url}/${KEY}%/nightly-backup`);
    expect([answer.status, await answer.text()]).toEqual([404, 'not found\n']);
    // The log line is written before the answer is sent.
    const refusals = stdout()
      .split('\n')
      .filter((line) => line.includes('malformed path'));
    expect(refusals.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ severity: 'WARNING', refused: 'malformed path' }),
    ]);
    expect({ stdout: stdout().includes(KEY), stderr: stderr().includes(KEY) }).toEqual({
      stdout: false,
      stderr: false,
    });
  });

  it('records a ping', async () => {
    const answer = await fetch(`${url}/${KEY}/nightly-backup`, { method: 'POST', body: 'done' });
    expect([answer.status, await answer.text()]).toEqual([200, 'OK\n']);
  });

  it.each([
    ['a wrong key', WRONG, 404],
    ['the right key', KEY, 413],
  ])('refuses a 30 MB POST with %s before its body has been sent', async (_, key, status) => {
    const answer = await postWithoutEnd(`${url}/${key}/nightly-backup`, thirtyMegabytes, null);
    expect(answer).toMatchObject({ status, connection: 'close' });
  });
});

describe('a fresh ping instance, whose first request is a 30 MB POST with a wrong key', () => {
  it('refuses it before its body has been sent, as it does later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ping-first-'));
    const targetsFile = join(dir, 'targets.yaml');
    await writeFile(targetsFile, 'targets:\n  - { name: nightly-backup, kind: push, every: 1d }\n');
    const env = { NODE_ENV: 'production', STATE_STORE: 'memory', PING_KEY: KEY, TARGETS_FILE: targetsFile };
    const fn = await startFunction('ping', env, null);
    try {
      const answer = await postWithoutEnd(`${fn.url}/${WRONG}/nightly-backup`, thirtyMegabytes, null);
      expect(answer).toMatchObject({ status: 404, connection: 'close' });
    } finally {
      fn.child.kill();
    }
  }, 30_000);
});
