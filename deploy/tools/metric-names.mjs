// Prints every metric name the Grafana dashboard and the alert rules query, one per line.
// system-tests' DashboardMetricsIT checks each against /q/metrics of the running services.
import { metricNames } from './lib/promql.mjs';

for (const name of metricNames()) console.log(name);
