// Runs before each integration test file: wipes moto's state so files cannot see each other's data.
import { beforeAll, inject } from 'vitest';

beforeAll(async () => {
  const response = await fetch(`${inject('motoEndpoint')}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
});
