// The CloudFormation custom resource protocol, shared by this system's handlers: run the pure
// core, then PUT the result to the pre-signed ResponseURL. A failure is always reported to
// CloudFormation (so a stack never waits an hour for an answer) and then re-thrown, so the
// invocation counts as an error (alarm) and the event lands in the function's failure queue.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type CustomResourceCore, FAILED_CREATE_PREFIX } from '../core/custom-resource';

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export interface RunOptions {
  /** Sends the response; the default PUTs it to the event's ResponseURL. */
  readonly send?: (url: string, response: CustomResourceResponse) => Promise<void>;
  /** Milliseconds the core may take before the resource is reported failed (keep below the Lambda timeout). */
  readonly deadlineMs?: number;
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

/** Runs `core` for one event and reports the outcome to CloudFormation. */
export async function runCustomResource(
  event: CloudFormationCustomResourceEvent,
  core: CustomResourceCore,
  options: RunOptions = {},
): Promise<CustomResourceResponse> {
  const send = options.send ?? putResponse;
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      if (options.deadlineMs !== undefined) {
        timer = setTimeout(
          () => reject(new Error(`gave up after ${Math.round(options.deadlineMs! / 1000)} s (see the function's log)`)),
          options.deadlineMs,
        );
      }
    });
    const result = await Promise.race([core(event), deadline]);
    const response: CustomResourceResponse = {
      ...base,
      Status: 'SUCCESS',
      PhysicalResourceId: result.physicalResourceId,
      Data: result.data,
    };
    await send(event.ResponseURL, response);
    return response;
  } catch (e) {
    const error = e as Error;
    options.log?.('custom resource failed', { requestType: event.RequestType, error: error.message });
    const physicalResourceId =
      event.RequestType === 'Create' ? `${FAILED_CREATE_PREFIX}${event.RequestId}` : event.PhysicalResourceId;
    await send(event.ResponseURL, {
      ...base,
      Status: 'FAILED',
      // CloudFormation shows the reason in the stack events; it caps the response body at 4 KB.
      Reason: `${error.name}: ${error.message}`.slice(0, 1000),
      PhysicalResourceId: physicalResourceId,
    });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** PUTs the response to the pre-signed URL (S3 rejects a Content-Type it was not signed with, so none is sent). */
export async function putResponse(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    try {
      await put(url, body);
      return;
    } catch (e) {
      lastError = e as Error;
    }
  }
  throw new Error(`could not send the response to CloudFormation: ${lastError?.message}`);
}

function put(url: string, body: string): Promise<void> {
  const target = new URL(url);
  const send = target.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
