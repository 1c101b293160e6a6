import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** A function served as Cloud Run serves it, in a process of its own. */
export interface FunctionProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote so far. */
  output: () => { stdout: string; stderr: string };
}

/**
 * What Cloud Run runs: the functions-framework command with `--target`, loading the entry point
 * (functions/index.ts: Node runs the TypeScript as the build would run its JavaScript). Resolves
 * once it answers `readyPath` (which must change nothing: a dry run, say), or, when null, once it
 * accepts a connection (its first request is then the test's own); `env` is its whole
 * environment besides PATH and PORT.
 */
export async function startFunction(
  target: 'poll' | 'ping' | 'status' | 'all',
  env: Record<string, string>,
  readyPath: string | null,
): Promise<FunctionProcess> {
  // `all` is the local all-in-one of `npm start`; the others are the Cloud Run entry points.
  const source = target === 'all' ? 'functions/runtime/all-in-one.ts' : 'functions/index.ts';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const main = join('node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
  const child = spawn(
    process.execPath,
    [main, `--target=${target}`, '--signature-type=http', `--source=${source}`],
    { env: { PATH: process.env['PATH'], ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (const started = Date.now(); ;) {
    try {
      if (readyPath === null) await listening(port);
      else await (await fetch(`${url}${readyPath}`)).text();
      break;
    } catch (error) {
      if (Date.now() - started > 20_000)
        throw new Error(`not serving after 20 s: ${stderr}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { child, url, output: () => ({ stdout, stderr }) };
}

/** Resolves once something accepts a TCP connection on `port`, without sending a request. */
function listening(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
