import domain from 'node:domain';
import { describe, expect, it } from 'vitest';
import type { Request, Response } from '@google-cloud/functions-framework';
import { outsideDomain } from '../../functions/runtime/outside-domain.ts';

/** The domain of the running code, if any (Node's typings leave `process.domain` out). */
const active = () => (process as { domain?: unknown }).domain;

describe('a handler run outside the request’s domain', () => {
  it('starts, and carries on, with no domain, and gives it back to functions-framework after', async () => {
    const seen: unknown[] = [];
    const handler = outsideDomain(async () => {
      seen.push(active());
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(active());
    });
    const d = domain.create();
    let after: unknown;
    await new Promise<void>((resolve) => {
      d.run(() => {
        const work: unknown = handler({} as unknown as Request, {} as unknown as Response);
        after = active();
        void Promise.resolve(work).then(() => {
          resolve();
        });
      });
    });
    expect(seen).toEqual([undefined, undefined]);
    expect(after).toBe(d);
  });
});
