import { kindOf } from '../checks/registry.ts';
import type { ConfigIssue } from './errors.ts';
import { located, type Config } from './load.ts';

/** States any target can be in, whatever its kind: no answer in time, or an answer of no sense. */
const EVERY_KIND = ['UNREACHABLE', 'INVALID_RESPONSE'];

/**
 * What is valid but most likely a mistake, for `validate`: an `allowedStates` entry no check of
 * that kind ever reports (a misspelt state can never be healthy, so the target would alert
 * forever), and each kind's own doubts (an unknown pod field). Each with path and line.
 */
export function configWarnings(config: Config): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  config.targets.forEach((target, index) => {
    const kind = kindOf(target);
    const warn = (path: PropertyKey[], message: string) =>
      warnings.push(located(['targets', index, ...path], message, config.lineOf));
    const states = kind.states;
    if (states) {
      target.allowedStates.forEach((state, j) => {
        const known = [...states, ...EVERY_KIND].some((s) =>
          typeof s === 'string' ? s === state : s.test(state),
        );
        if (!known) {
          const names = states.map((s) => (typeof s === 'string' ? s : s.source.replace(/^\^|\$$/g, '')));
          warn(
            ['allowedStates', j],
            `"${state}" is not a state a ${target.kind} target reports; expected ${names.join(' | ')}`,
          );
        }
      });
    }
    kind.lint?.(target, warn);
  });
  return warnings;
}
