import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusView } from '../../functions/status/view.ts';
import { startFunction, type FunctionProcess } from '../support/function-process.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { declaredEnvironment, loadModule } from '../support/terraform.ts';

const KEY = 'k3y-0123456789abcdef';

let running: FunctionProcess | undefined;
afterEach(() => {
  running?.child.kill();
  running = undefined;
});

/**
 * The status function as deployed: started as Cloud Run starts it, with exactly the environment
 * terraform/status.tf declares (and the emulator standing in for Firestore), over the shipped
 * example targets file and a failure a job reported through the ping.
 */
describe('the status function, with the environment Terraform gives it', () => {
  async function deployed(values: Record<string, string>) {
    const project = freshProject();
    const poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: project, PING_KEY: KEY },
      await readFile('config/targets.yaml', 'utf8'),
    );
    await poller.ping(`/${KEY}/nightly-backup/fail`, { method: 'POST', body: 'exit 2: disk full' });
    await poller.close();
    const declared = declaredEnvironment(await loadModule('terraform'), 'status', {
      project_id: project,
      ...values,
    });
    expect(declared.secrets).toEqual([]);
    running = await startFunction(
      'status',
      {
        ...declared.plain,
        FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
        METADATA_SERVER_DETECTION: 'none',
      },
      null,
    );
    const answer = await fetch(`${running.url}/api/targets`);
    return { status: answer.status, view: (await answer.json()) as StatusView };
  }

  it('shows the state its account can read, details included, when private', async () => {
    const { status, view } = await deployed({});
    expect(status).toBe(200);
    expect(view.public).toBe(false);
    const backup = view.targets.find((t) => t.name === 'nightly-backup');
    expect(backup).toMatchObject({ state: 'FAILED', health: 'unhealthy' });
    expect(backup?.detail).toContain('disk full');
  });

  it('leaves out every detail with status_public', async () => {
    const { status, view } = await deployed({ status_public: 'true' });
    expect(status).toBe(200);
    expect(view.public).toBe(true);
    expect(view.targets.find((t) => t.name === 'nightly-backup')).toMatchObject({ state: 'FAILED' });
    expect(JSON.stringify(view)).not.toContain('disk full');
  });
});
