// Small helpers over Powertools metrics shared by the handlers.
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Emits one metric with one extra dimension right away (e.g. a count per product or per reason). */
export function emitWithDimension(
  metrics: Metrics,
  name: string,
  dimension: { readonly name: string; readonly value: string },
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, unit, value);
}
