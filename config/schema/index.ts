import { z } from 'zod';
import { sharedConfig } from './shared';

/**
 * The whole deployment config. Each system has an optional section: a system whose section is
 * absent is not deployed. Unknown keys are errors, so a misspelt section is never ignored.
 */
export const deploymentConfig = z.strictObject({
  shared: sharedConfig,
});
export type DeploymentConfig = z.infer<typeof deploymentConfig>;

export * from './common';
export * from './shared';
