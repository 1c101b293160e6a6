import { kindOf } from '../checks/registry.ts';
import type { ConfigIssue } from './errors.ts';
import { located, type Config } from './load.ts';

/** States any target can be in, whatever its kind: no answer in time, or an answer of no sense. */
export const EVERY_KIND = ['UNREACHABLE', 'INVALID_RESPONSE'];

/**
 * Every `allowedStates` entry that no check of its kind ever reports. A misspelt state
 * (`RUNING`) can never be healthy, so the target would page people while all is well: a config
 * error, with the states there are. Kinds that declare no states (`gcp-resource`) accept any.
 */
export function unknownStates(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.targets.forEach((target, index) => {
    const states = kindOf(target).states;
    if (!states) return;
    target.allowedStates.forEach((state, j) => {
      const known = [...states, ...EVERY_KIND].some((s) =>
        typeof s === 'string' ? s === state : s.test(state),
      );
      if (known) return;
      const names = [...new Set([...states, ...EVERY_KIND])].map((s) =>
        typeof s === 'string' ? s : s.source.replace(/^\^|\$$/g, ''),
      );
      issues.push(
        located(
          ['targets', index, 'allowedStates', j],
          `"${state}" is not a state a ${target.kind} target reports; expected ${names.join(' | ')}`,
          config.lineOf,
        ),
      );
    });
  });
  return issues;
}
