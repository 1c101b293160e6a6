import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/parse.ts';
import { maintenanceUntil } from '../../functions/alerting/maintenance.ts';

function windowsOf(yaml: string) {
  const { targets } = parseConfig(yaml, 'targets.yaml');
  return targets[0]?.maintenance ?? [];
}

describe('maintenance windows', () => {
  // Sundays 02:00 Berlin time for 2 hours. Berlin springs forward on 2026-03-29 at 02:00.
  const sundays = windowsOf(`
maintenance:
  - { schedule: "0 2 * * SUN", duration: 2h, timezone: Europe/Berlin }
targets:
  - { name: a, kind: datastream, stream: projects/p/locations/l/streams/s }
`);

  it.each([
    ['the Saturday before', '2026-03-14T12:00:00Z', null],
    ['its first instant (02:00 CET = 01:00 UTC)', '2026-03-15T01:00:00Z', '2026-03-15T03:00:00.000Z'],
    ['inside it', '2026-03-15T02:30:00Z', '2026-03-15T03:00:00.000Z'],
    ['its end', '2026-03-15T03:00:00Z', null],
    // 02:00 does not exist on the day of the change; the window starts when the clock reads 03:00.
    ['the DST Sunday, 03:30 CEST', '2026-03-29T01:30:00Z', '2026-03-29T03:00:00.000Z'],
    ['the Sunday after, 02:30 CEST', '2026-04-05T00:30:00Z', '2026-04-05T02:00:00.000Z'],
  ])('at %s: until %s', (_, now, until) => {
    expect(maintenanceUntil(sundays, new Date(now))?.toISOString() ?? null).toBe(until);
  });

  it('apply the global windows and the target’s own', () => {
    const both = windowsOf(`
maintenance: [{ schedule: "0 2 * * SUN", duration: 2h }]
targets:
  - name: a
    kind: datastream
    stream: projects/p/locations/l/streams/s
    maintenance: [{ schedule: "30 12 * * *", duration: 15m, timezone: Asia/Tokyo }]
`);
    expect(both).toHaveLength(2);
    expect(maintenanceUntil(both, new Date('2026-11-18T03:40:00Z'))?.toISOString()).toBe(
      '2026-11-18T03:45:00.000Z',
    );
  });

  it('reject a window without a duration, naming it', () => {
    expect(() => windowsOf(`maintenance: [{ schedule: "0 2 * * SUN" }]\ntargets: []`)).toThrow(
      'maintenance[0].duration: Invalid input',
    );
  });
});
