import { open } from 'node:fs/promises';
import { ConfigError } from './errors.ts';

/**
 * The largest targets file read: about 18,000 targets written one key a line, 20,000 one target a
 * line (10,000 heartbeats with their URLs take 1 MB). Parsing 2 MiB with line numbers takes about
 * 1.4 s and 300 MB at peak on a 2-core machine, so a larger file is refused before it is parsed:
 * a runaway or hostile file cannot take a 512 MiB instance.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The text of a targets file, refused past {@link MAX_FILE_BYTES}; problems as a ConfigError. */
export async function readTargetsText(file: string): Promise<string> {
  const fail = (message: string) => new ConfigError(file, [{ path: '(root)', message }]);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw fail(`cannot read the file: ${(error as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) {
      throw fail(
        `the file is ${size} bytes; at most ${MAX_FILE_BYTES} are read (${MAX_FILE_BYTES / 1024 / 1024} MiB)`,
      );
    }
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(`cannot read the file: ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
}
