import { inject } from 'vitest';

// The standard switch of @google-cloud/firestore: the code under test connects as it would in production.
process.env['FIRESTORE_EMULATOR_HOST'] = inject('firestoreEmulatorHost');
// Tests never run on Google Cloud: no metadata server for the tests' own Firestore clients to probe.
process.env['METADATA_SERVER_DETECTION'] = 'none';
