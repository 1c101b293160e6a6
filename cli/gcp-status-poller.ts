#!/usr/bin/env node
/**
 * gcp-status-poller exec <ping-url> -- <command> [args…]
 *
 * Pings <ping-url>/start, runs the command (its output passes through), then pings
 * <ping-url>/<exit code> with the tail of its output, and exits with the command's exit code.
 */
import { execWithPings } from './exec.ts';

const USAGE = 'usage: gcp-status-poller exec <ping-url> -- <command> [args…]\n';

const [verb, pingUrl, separator, command, ...args] = process.argv.slice(2);
if (verb !== 'exec' || !pingUrl || separator !== '--' || !command) {
  process.stderr.write(USAGE);
  process.exit(2);
}
process.exitCode = await execWithPings({ pingUrl, command, args });
