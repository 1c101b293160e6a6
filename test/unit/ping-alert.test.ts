import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dependencies } from '../../functions/app/dependencies.ts';
import { recordPing } from '../../functions/app/ping.ts';
import type { Notification } from '../../functions/model/notification.ts';
import type { Notifier } from '../../functions/notify/notifier.ts';
import { googleApis } from '../../functions/runtime/google-apis.ts';
import { MemoryStateStore } from '../../functions/store/memory.ts';

/** The memory store, with a success ping of the same job landing while the failure is being judged. */
class SuccessLandsMeanwhile extends MemoryStateStore {
  override async silences(now: Date): Promise<Map<string, Date>> {
    await this.recordPing('backup', {
      kind: 'success',
      at: now,
      message: 'retried',
      exitCode: 0,
      value: null,
    });
    return super.silences(now);
  }
}

async function dependencies(store: MemoryStateStore, sent: Notification[]): Promise<Dependencies> {
  const dir = await mkdtemp(join(tmpdir(), 'ping-alert-'));
  const targetsFile = join(dir, 'targets.yaml');
  await writeFile(targetsFile, 'targets:\n  - { name: backup, kind: push, every: 1d }\n');
  const notifier: Notifier = {
    destination: 'test',
    send: (notification) => {
      sent.push(notification);
      return Promise.resolve();
    },
  };
  return {
    targetsFile,
    env: {},
    store,
    notifier,
    webhook: () => notifier,
    google: googleApis({}),
    log: () => undefined,
    clock: () => new Date('2026-11-21T03:00:00Z'),
    deliveryBudgets: { pollMs: 30_000, pingMs: 5_000 },
  };
}

describe('a failure ping', () => {
  it('alerts once, judged from the ping itself, even when another ping lands while it is judged', async () => {
    const store = new SuccessLandsMeanwhile();
    const sent: Notification[] = [];
    const deps = await dependencies(store, sent);
    const outcome = await recordPing(deps, {
      target: 'backup',
      kind: 'fail',
      exitCode: 1,
      value: null,
      message: 'disk full',
    });
    expect(outcome).toBe('recorded');
    expect(store.transitions.map((t) => [t.to, t.cause, t.message])).toEqual([['FAILED', 'change', 'send']]);
    expect(sent).toMatchObject([
      {
        notices: [
          { target: 'backup', to: 'FAILED', detail: expect.stringContaining('disk full') as unknown },
        ],
      },
    ]);
  });
});
