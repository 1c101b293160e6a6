import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../functions/checks/registry.ts';
import { kinds } from '../../functions/config/schema.ts';
import { parseConfig } from '../../functions/config/parse.ts';

/** The README's table of kinds is what users trust: it must say what the code does. */
describe('the README’s table of kinds', () => {
  it.each(kinds.filter((k) => k !== 'gcp-resource'))('tells the truth about %s', async (kind) => {
    const readme = await readFile('README.md', 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${kind}\` `));
    expect(row, `no row for ${kind}`).toBeDefined();
    const cells = (row ?? '').split('|').map((cell) => cell.trim());
    // The healthy states a target of this kind gets when it sets none.
    const { targets } = parseConfig(
      `targets:\n  - { name: t, kind: ${kind}, ${KEYS[kind] ?? ''} }`,
      'README',
    );
    const healthy = targets[0]?.allowedStates.map((s) => `\`${s}\``).join(', ');
    expect(cells[3]).toBe(healthy);
    const google = kindOf({ kind }).google;
    expect(cells[4]).toBe(google ? `\`${google.service}\`: \`${google.viewerRole}\`` : '—');
  });
});

/** Enough keys for one valid target of each kind. */
const KEYS: Record<string, string> = {
  datastream: 'project: p, location: l, stream: s',
  'cluster-heartbeat': 'url: "https://x.example/heartbeat"',
  push: 'every: 1h',
  cloudsql: 'project: p, instance: i',
  dataflow: 'project: p, location: l, job: j',
  composer: 'project: p, location: l, environment: e',
  'gke-cluster': 'project: p, location: l, cluster: c',
  'gke-nodepool': 'project: p, location: l, cluster: c, nodePool: n',
  dataproc: 'project: p, region: r, cluster: c',
  redis: 'project: p, location: l, instance: i',
  'cloud-run': 'project: p, location: l, service: s',
  'cloud-function': 'project: p, location: l, function: f',
  'compute-instance': 'project: p, zone: z, instance: i',
  spanner: 'project: p, instance: i',
  alloydb: 'project: p, location: l, cluster: c',
  'pubsub-subscription': 'project: p, subscription: s',
  'scheduler-job': 'project: p, location: l, job: j',
  workflow: 'project: p, location: l, workflow: w',
  'bq-transfer': 'project: p, location: l, config: c',
};
