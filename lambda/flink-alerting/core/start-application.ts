// Starting a Managed Flink application after deploy: CloudFormation creates it READY and never
// runs it. onEvent starts it (or leaves a running one alone; the service already restarts a
// running application with the new version on update) and isComplete waits until it is RUNNING.

export type ApplicationStatus =
  | 'DELETING'
  | 'STARTING'
  | 'STOPPING'
  | 'READY'
  | 'RUNNING'
  | 'UPDATING'
  | 'AUTOSCALING'
  | 'FORCE_STOPPING'
  | 'ROLLING_BACK'
  | 'ROLLED_BACK'
  | 'MAINTENANCE'
  | string;

export interface FlinkApplications {
  status(applicationName: string): Promise<ApplicationStatus>;
  /** Starts from the latest snapshot (the service starts without state when there is none). */
  start(applicationName: string, allowNonRestoredState: boolean): Promise<void>;
}

export interface StartRequest {
  readonly applicationName: string;
  readonly allowNonRestoredState: boolean;
}

/** States that end by themselves; isComplete keeps waiting through them. */
const TRANSIENT = new Set([
  'STARTING',
  'UPDATING',
  'AUTOSCALING',
  'STOPPING',
  'FORCE_STOPPING',
  'MAINTENANCE',
  'ROLLING_BACK',
]);

/** Starts the application if it is READY; returns what it did. */
export async function startIfReady(
  request: StartRequest,
  apps: FlinkApplications,
): Promise<'started' | 'already-running' | 'waiting'> {
  const status = await apps.status(request.applicationName);
  if (status === 'READY') {
    await apps.start(request.applicationName, request.allowNonRestoredState);
    return 'started';
  }
  if (status === 'RUNNING') return 'already-running';
  if (TRANSIENT.has(status)) return 'waiting';
  throw new Error(failureMessage(request.applicationName, status));
}

/**
 * True once the application is RUNNING. A READY application (a stop or a failed start while we
 * waited) is started again; the provider's total timeout bounds the wait.
 */
export async function isRunning(request: StartRequest, apps: FlinkApplications): Promise<boolean> {
  const status = await apps.status(request.applicationName);
  if (status === 'RUNNING') return true;
  if (status === 'READY') {
    await apps.start(request.applicationName, request.allowNonRestoredState);
    return false;
  }
  if (TRANSIENT.has(status)) return false;
  throw new Error(failureMessage(request.applicationName, status));
}

function failureMessage(name: string, status: string): string {
  return status === 'ROLLED_BACK'
    ? `Flink application ${name} rolled back to its previous version after the update failed: read its CloudWatch log group, fix the job, and deploy again`
    : `Flink application ${name} is ${status}; it cannot be started from this state`;
}

/** Reads the custom resource properties (CloudFormation sends booleans as strings). */
export function parseStartRequest(props: Record<string, unknown>): StartRequest {
  const applicationName = props.ApplicationName;
  if (typeof applicationName !== 'string' || applicationName.length === 0) {
    throw new Error(`ApplicationName: expected a non-empty string, got ${JSON.stringify(applicationName)}`);
  }
  return { applicationName, allowNonRestoredState: String(props.AllowNonRestoredState) === 'true' };
}
