// Real Powertools logger and metrics for handler tests, with the metrics they emit captured.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { vi } from 'vitest';

export interface EmittedMetric {
  readonly name: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A silent logger and a metrics emitter whose EMF output is parsed into `emitted`. */
export function testTelemetry(): { logger: Logger; metrics: Metrics; emitted: EmittedMetric[] } {
  const emitted: EmittedMetric[] = [];
  // POWERTOOLS_DEV makes Metrics write through the global console, where the spy catches it.
  process.env.POWERTOOLS_DEV = 'true';
  // Dev mode turns metrics off unless told otherwise.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const spy = vi.spyOn(console, 'log');
  spy.mockImplementation((line: unknown) => {
    if (typeof line !== 'string' || !line.includes('"_aws"')) return;
    const emf = JSON.parse(line) as {
      _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      [k: string]: unknown;
    };
    for (const directive of emf._aws.CloudWatchMetrics) {
      const dims = Object.fromEntries((directive.Dimensions[0] ?? []).map((d) => [d, String(emf[d])]));
      for (const m of directive.Metrics) {
        const v = emf[m.Name];
        for (const value of Array.isArray(v) ? v : [v])
          emitted.push({ name: m.Name, value: Number(value), dimensions: dims });
      }
    }
  });
  const metrics = new Metrics({ namespace: 'LicenseOrchestration', serviceName: 'test' });
  return { logger: new Logger({ logLevel: 'SILENT' }), metrics, emitted };
}

/** Sum of a metric's values, optionally only those with the given extra dimensions. */
export function total(
  emitted: readonly EmittedMetric[],
  name: string,
  dimensions: Record<string, string> = {},
): number {
  return emitted
    .filter((m) => m.name === name && Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v))
    .reduce((a, m) => a + m.value, 0);
}
