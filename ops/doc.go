// Package ops is how operators see a running fulcrum: an HTTP server with /healthz (the process is alive),
// /readyz (every readiness check passes: Redis answers, the Discord gateway is connected) and /metrics in the
// Prometheus format, and the metrics the bot records.
//
// No metric label carries a user id, a server id, or anything a person wrote: every label takes its values from
// a fixed list in this package (see AllowedLabels), and a value outside the list is counted under "other".
// The dashboards and alert rules in deploy/ read these names; deploy's tests keep them in step.
package ops
