import { Firestore, type Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { freshProject, Poller } from '../support/poller.ts';

const DAY = 86_400_000;

/** Terraform's TTL policy deletes a document once its `expireAt` has passed (terraform/firestore-ttl.tf). */
describe('history in Firestore', () => {
  it('stamps every transition to expire 90 days after it happened', async () => {
    const project = freshProject();
    const poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: project },
      'targets:\n  - { name: backup, kind: push, every: 1d }\n  - { name: restore, kind: push, every: 1d }\n',
    );
    const db = new Firestore({ projectId: project });
    try {
      await poller.poll();
      const transitions = (await db.collection('transitions').get()).docs;
      expect(transitions).toHaveLength(2);
      for (const doc of transitions) {
        const at = (doc.get('at') as Timestamp).toMillis();
        expect((doc.get('expireAt') as Timestamp).toMillis() - at).toBe(90 * DAY);
      }
    } finally {
      await Promise.all([poller.close(), db.terminate()]);
    }
  });
});
