import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Dependencies } from '../app/dependencies.ts';
import { poll, UnknownTargetError, type PollOptions } from '../app/poll.ts';
import { failedReport, testSentReport } from '../app/report.ts';
import { sendTestNotification, UnknownRouteError } from '../app/test-notification.ts';
import { ConfigError } from '../config/errors.ts';
import { readPollQuery } from './poll-query.ts';

/**
 * The HTTP face of a poll (DESIGN.md, "HTTP contract of poll"): any method. 200 when the poll did
 * its job, whatever the targets' health; 400 for a bad query; 500 when it could not (bad config,
 * store down, a message still pending), so Cloud Scheduler retries and it shows.
 */
export function createPollHandler(deps: Dependencies): HttpFunction {
  return async (req, res) => {
    const started = deps.clock();
    let options: PollOptions;
    try {
      options = readPollQuery(req.query);
    } catch (error) {
      res.status(400).json(failedReport(started, deps.clock(), (error as Error).message));
      return;
    }
    try {
      if (options.testNotification !== undefined) {
        await sendTestNotification(deps, options.testNotification);
        res.status(200).json(testSentReport(started, deps.clock()));
        return;
      }
      const report = await poll(deps, options);
      res.status(report.ok ? 200 : 500).json(report);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof UnknownTargetError || error instanceof UnknownRouteError ? 400 : 500;
      deps.log('ERROR', `poll failed: ${message}`, {
        pollSummary: true,
        error: message,
        errorType: error instanceof Error ? error.name : typeof error,
        ...(error instanceof ConfigError ? { issues: error.issues } : {}),
      });
      res.status(status).json(failedReport(started, deps.clock(), message));
    }
  };
}
