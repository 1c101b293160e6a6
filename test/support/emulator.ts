import { spawn } from 'node:child_process';
import { freePort } from './function-process.ts';

/** A running Firestore emulator: its `host:port`, and how to stop it with its Java child. */
export interface Emulator {
  host: string;
  stop: () => Promise<void>;
}

async function waitUntilUp(host: string, output: () => string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://${host}/`);
      if (response.ok) return;
    } catch {
      // Not listening yet: the JVM takes a few seconds to start.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Firestore emulator did not start on ${host} within 60s. Its output:\n${output()}`);
}

/** Starts the real Firestore emulator (`gcloud emulators firestore start`) on a free port. */
export async function startEmulator(): Promise<Emulator> {
  const host = `127.0.0.1:${await freePort()}`;
  // detached: the emulator runs in its own process group, so we can stop gcloud and Java together.
  const child = spawn('gcloud', ['emulators', 'firestore', 'start', `--host-port=${host}`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject); // no gcloud on this machine
    child.once('exit', (code) => {
      reject(new Error(`Firestore emulator exited with ${code}:\n${output}`));
    });
  });
  await Promise.race([waitUntilUp(host, () => output, Date.now() + 60_000), exited]);
  exited.catch(() => undefined); // its exit after a stop is expected, not a failure
  return {
    host,
    stop: async () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      }, 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
