import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** What the wrapper sends back with the final ping: the end of the command's output. */
export const OUTPUT_TAIL_BYTES = 10 * 1024;

export interface ExecOptions {
  /** The target's ping URL: `https://…/ping/<key>/<target>`. */
  pingUrl: string;
  command: string;
  args: readonly string[];
  /** Per ping request. */
  timeoutMs?: number;
  /** Waits between attempts; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Where the command's output is echoed (the job's own log). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * Runs a command between two pings, like Healthchecks' runitor: `/start` before, then
 * `/<exit code>` with the tail of its output. A ping that cannot be delivered is retried and then
 * reported on stderr, but never changes the outcome: the result is always the command's exit code.
 */
export async function execWithPings(options: ExecOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const ping = (suffix: string, body?: string) =>
    sendPing(`${options.pingUrl.replace(/\/+$/, '')}/${suffix}`, body, options).catch((error: unknown) => {
      stderr.write(`gcp-status-poller: ping /${suffix} failed: ${(error as Error).message}\n`);
    });

  await ping('start');
  const { code, tail } = await run(options);
  await ping(String(code), tail);
  return code;
}

async function run(options: ExecOptions): Promise<{ code: number; tail: string }> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let tail = Buffer.alloc(0);
  const keep = (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > OUTPUT_TAIL_BYTES) tail = tail.subarray(tail.length - OUTPUT_TAIL_BYTES);
  };
  return new Promise((resolve) => {
    const child = spawn(options.command, options.args, { stdio: ['inherit', 'pipe', 'pipe'] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.write(chunk);
      keep(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.write(chunk);
      keep(chunk);
    });
    const done = (code: number, extra = '') => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve({ code, tail: `${tail.toString('utf8')}${extra}` });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Like a shell: 127 when the command does not exist, 126 when it cannot be run.
      done(
        error.code === 'ENOENT' ? 127 : 126,
        `gcp-status-poller: cannot run ${options.command}: ${error.message}\n`,
      );
    });
    child.on('close', (code, signal) => {
      done(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/** A ping the server refused (wrong key, unknown target): retrying will not help. */
class PingRefusedError extends Error {
  override readonly name = 'PingRefusedError';
}

async function sendPing(url: string, body: string | undefined, options: ExecOptions): Promise<void> {
  const delays = options.retryDelaysMs ?? [1000, 2000, 4000, 8000];
  for (let attempt = 0; ; attempt++) {
    const failure = await attemptPing(url, body, options.timeoutMs ?? 10_000);
    if (failure === null) return;
    const delay = delays[attempt];
    if (delay === undefined) throw new Error(`${failure} (after ${attempt + 1} attempts)`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Null when delivered; why, when worth another try (network error, timeout, 5xx). */
async function attemptPing(url: string, body: string | undefined, timeoutMs: number): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body: body ?? '',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error).cause;
    return cause instanceof Error ? cause.message : (error as Error).message;
  }
  await response.body?.cancel();
  if (response.ok) return null;
  if (response.status < 500) throw new PingRefusedError(`HTTP ${response.status}`);
  return `HTTP ${response.status}`;
}
