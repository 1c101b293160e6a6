import { kindOf } from '../checks/registry.ts';
import type { ConfigIssue } from './errors.ts';
import { located, type Config } from './load.ts';

/**
 * What is valid but most likely a mistake, for `validate`: each kind's own doubts (an unknown
 * heartbeat pod field, say). Each with path and line.
 */
export function configWarnings(config: Config): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  config.targets.forEach((target, index) => {
    kindOf(target).lint?.(target, (path, message) =>
      warnings.push(located(['targets', index, ...path], message, config.lineOf)),
    );
  });
  return warnings;
}
