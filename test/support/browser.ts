/**
 * A real headless Chromium for tests that check a page as a person sees it, driven over the Chrome
 * DevTools Protocol with Node's built-in WebSocket, so the project needs no browser-automation package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LAUNCH_TIMEOUT_MS = 20_000;
const CALL_TIMEOUT_MS = 30_000;
const LOAD_TIMEOUT_MS = 30_000;

export interface Viewport {
  width: number;
  height: number;
  mobile?: boolean;
  deviceScaleFactor?: number;
}

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string; data?: string };
  sessionId?: string;
}

interface Listener {
  sessionId: string;
  onEvent: (method: string, params: unknown) => void;
  onClose: (error: Error) => void;
}

/** One WebSocket to the browser; pages talk through it with their own session ids (flat sessions). */
class Connection {
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  #listeners = new Set<Listener>();
  #closed: Error | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.#receive(JSON.parse(event.data) as Message);
    });
    ws.addEventListener('close', () => {
      this.#fail(new Error('the connection to Chromium closed (did the browser exit?)'));
    });
  }

  static async open(url: string): Promise<Connection> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => {
        resolve();
      });
      ws.addEventListener('error', () => {
        reject(new Error(`could not connect to Chromium at ${url}`));
      });
    });
    return new Connection(ws);
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error(`${method}: ${this.#closed.message}`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer from Chromium within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(new Error(`${method}: ${error.message}`));
        },
      });
      this.#ws.send(
        JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }),
      );
    });
  }

  /** Listens to one session's events until the returned function is called. */
  listen(listener: Listener): () => void {
    if (this.#closed) listener.onClose(this.#closed);
    else this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#ws.close();
    this.#fail(new Error('the browser was closed'));
  }

  #receive(message: Message): void {
    if (message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) {
        const { message: text, data } = message.error;
        pending?.reject(new Error(data ? `${text} (${data})` : text));
      } else pending?.resolve(message.result);
    } else if (message.method !== undefined) {
      for (const listener of this.#listeners)
        if (listener.sessionId === message.sessionId) listener.onEvent(message.method, message.params);
    }
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#closed = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    for (const listener of this.#listeners) listener.onClose(error);
    this.#listeners.clear();
  }
}

export class Page {
  #connection: Connection;
  #targetId: string;
  #sessionId: string;

  constructor(connection: Connection, targetId: string, sessionId: string) {
    this.#connection = connection;
    this.#targetId = targetId;
    this.#sessionId = sessionId;
  }

  #send(method: string, params: object = {}): Promise<unknown> {
    return this.#connection.send(method, params, this.#sessionId);
  }

  async goto(url: string): Promise<void> {
    await this.#navigate(url, async () => {
      const { errorText } = (await this.#send('Page.navigate', { url })) as { errorText?: string };
      // A refused connection or bad URL still "navigates" (to an error page): say so instead.
      if (errorText) throw new Error(`could not load ${url}: ${errorText}`);
    });
  }

  async reload(): Promise<void> {
    await this.#navigate('the reloaded page', () => this.#send('Page.reload'));
  }

  /** What a person can read: innerText leaves out what CSS hides, unlike textContent. */
  text(): Promise<string> {
    return this.evaluate<string>('document.body.innerText');
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.#send('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }

  /**
   * Polls until the expression is truthy. Errors count as "not yet", since a page that reloads itself
   * destroys the context being evaluated in; the last one is reported if time runs out.
   */
  async waitFor(expression: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        if (await this.evaluate<unknown>(expression)) return;
      } catch (error) {
        if (this.#connection.closed) throw error;
        lastError = error;
      }
      if (Date.now() >= deadline) {
        const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(`${expression} was not true within ${timeoutMs} ms${why}`);
      }
      await sleep(100);
    }
  }

  async screenshot(path: string, options: { fullPage?: boolean } = {}): Promise<void> {
    let params: object = { format: 'png' };
    if (options.fullPage) {
      const { cssContentSize } = (await this.#send('Page.getLayoutMetrics')) as {
        cssContentSize: { width: number; height: number };
      };
      const clip = {
        x: 0,
        y: 0,
        width: Math.ceil(cssContentSize.width),
        height: Math.ceil(cssContentSize.height),
        scale: 1,
      };
      params = { ...params, captureBeyondViewport: true, clip };
    }
    const { data } = (await this.#send('Page.captureScreenshot', params)) as { data: string };
    await writeFile(path, Buffer.from(data, 'base64'));
  }

  async close(): Promise<void> {
    await this.#connection.send('Target.closeTarget', { targetId: this.#targetId });
  }

  async setViewport({ width, height, mobile = false, deviceScaleFactor = 1 }: Viewport): Promise<void> {
    await this.#send('Emulation.setDeviceMetricsOverride', { width, height, mobile, deviceScaleFactor });
  }

  /**
   * The page being replaced (even the first about:blank) may still report its own load after we start,
   * so only a load that follows the new document's commit (a main-frame frameNavigated) counts.
   */
  async #navigate(what: string, start: () => Promise<unknown>): Promise<void> {
    let stop = (): void => undefined;
    const loaded = new Promise<void>((resolve, reject) => {
      let committed = false;
      const timer = setTimeout(() => {
        reject(new Error(`${what} did not finish loading within ${LOAD_TIMEOUT_MS} ms`));
      }, LOAD_TIMEOUT_MS);
      const unlisten = this.#connection.listen({
        sessionId: this.#sessionId,
        onEvent: (method, params) => {
          if (method === 'Page.frameNavigated') {
            const { frame } = params as { frame: { parentId?: string } };
            if (frame.parentId === undefined) committed = true;
          } else if (method === 'Page.loadEventFired' && committed) resolve();
        },
        onClose: reject,
      });
      stop = () => {
        clearTimeout(timer);
        unlisten();
      };
    });
    try {
      // Promise.all handles both rejections, so neither goes unhandled when the other fails first.
      await Promise.all([loaded, start()]);
    } finally {
      stop();
    }
  }
}

export class Browser {
  #child: ChildProcess;
  #connection: Connection;
  #profile: string;
  #closing: Promise<void> | undefined;

  constructor(child: ChildProcess, connection: Connection, profile: string) {
    this.#child = child;
    this.#connection = connection;
    this.#profile = profile;
  }

  async open(url: string, viewport: Viewport = { width: 1280, height: 900 }): Promise<Page> {
    const { targetId } = (await this.#connection.send('Target.createTarget', { url: 'about:blank' })) as {
      targetId: string;
    };
    const { sessionId } = (await this.#connection.send('Target.attachToTarget', {
      targetId,
      flatten: true,
    })) as { sessionId: string };
    const page = new Page(this.#connection, targetId, sessionId);
    try {
      await this.#connection.send('Page.enable', {}, sessionId);
      await page.setViewport(viewport);
      await page.goto(url);
      return page;
    } catch (error) {
      await page.close().catch(() => undefined); // the first error is the one worth reporting
      throw error;
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#connection.close();
      await stopProcess(this.#child);
      await rm(this.#profile, { recursive: true, force: true, maxRetries: 5 });
    })();
    return this.#closing;
  }
}

export async function launchBrowser(): Promise<Browser> {
  const executable = findChromium();
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const args = [
    '--headless',
    '--remote-debugging-port=0',
    `--user-data-dir=${profile}`,
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    // Containers often have a small /dev/shm; Chromium crashes when it fills up.
    '--disable-dev-shm-usage',
    // Chromium refuses to start as root with its sandbox on; for anyone else the sandbox stays.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    'about:blank',
  ];
  // detached: its own process group, so closing also stops the renderers and any wrapper script.
  const child = spawn(executable, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  child.on('error', () => undefined); // reported by waitForDevTools; must not crash the test run later
  // A browser left running would outlive the test run: it does not notice its parent's exit.
  const killOnExit = (): void => {
    signalGroup(child, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    const connection = await Connection.open(await waitForDevTools(child, executable));
    return new Browser(child, connection, profile);
  } catch (error) {
    await stopProcess(child);
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
    throw error;
  }
}

function findChromium(): string {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file.`);
    return fromEnv;
  }
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser'])
    for (const dir of dirs) if (isExecutable(join(dir, name))) return join(dir, name);
  throw new Error(
    'These tests drive a real Chromium, and none was found: neither chromium nor chromium-browser is on ' +
      'PATH and CHROMIUM_PATH is not set. On Debian or Ubuntu install it with ' +
      '`apt-get update && apt-get install -y chromium` (with sudo when not root), or set CHROMIUM_PATH ' +
      'to a Chromium or Chrome executable.',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Chromium prints the browser's DevTools WebSocket address on stderr once it listens. */
function waitForDevTools(child: ChildProcess, executable: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (why: string): void => {
      cleanup();
      reject(new Error(`${executable} ${why}. Its stderr:\n${stderr}`));
    };
    const onData = (chunk: Buffer): void => {
      stderr += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onError = (error: Error): void => {
      fail(`could not be started (${error.message})`);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      fail(`exited (${signal ?? `code ${code}`}) before DevTools listened`);
    };
    const timer = setTimeout(() => {
      fail(`did not report a DevTools address within ${LAUNCH_TIMEOUT_MS} ms`);
    }, LAUNCH_TIMEOUT_MS);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('error', onError).off('exit', onExit);
      child.stderr?.off('data', onData);
      // Keep draining: Chromium logs (dbus and GPU noise) for as long as it runs, and a full pipe blocks it.
      child.stderr?.resume();
    };
    child.stderr?.on('data', onData);
    child.once('error', onError).once('exit', onExit);
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // SIGKILL rather than SIGTERM: the profile is thrown away, so there is nothing to save on the way out.
  signalGroup(child, 'SIGKILL');
  await exited;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
