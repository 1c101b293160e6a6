import { inject } from 'vitest';

// The standard switch of @google-cloud/firestore: the code under test connects as it would in production.
process.env['FIRESTORE_EMULATOR_HOST'] = inject('firestoreEmulatorHost');
