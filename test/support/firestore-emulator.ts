/**
 * Vitest global setup: starts the real Firestore emulator on a free port, hands its address to the
 * tests, and stops it, with its Java child, at the end.
 */
import type { TestProject } from 'vitest/node';
import { startEmulator } from './emulator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEmulatorHost: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = await startEmulator();
  project.provide('firestoreEmulatorHost', emulator.host);
  return emulator.stop;
}
