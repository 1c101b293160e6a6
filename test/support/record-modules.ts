/**
 * Preloaded with `node --import`: appends the URL of every module the process resolves, imported
 * or required, to the file named by RECORD_MODULES. Tells a test what a path loads.
 */
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env['RECORD_MODULES'];
if (file) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      appendFileSync(file, `${resolved.url}\n`);
      return resolved;
    },
  });
}
