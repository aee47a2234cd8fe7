package ops

import (
	"context"
	"errors"
	"io"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Urgency says whether a handoff or a completed intake is urgent (a crisis or risk signal was found) or routine.
type Urgency string

// The urgencies.
const (
	Urgent  Urgency = "urgent"
	Routine Urgency = "routine"
)

// UrgencyOf returns Urgent when urgent is true and Routine otherwise.
func UrgencyOf(urgent bool) Urgency {
	if urgent {
		return Urgent
	}
	return Routine
}

// AbandonReason says why an intake ended without a handoff.
type AbandonReason string

// The abandon reasons. Sessions that simply expire leave Redis through their TTL and are not counted.
const (
	// AbandonStopped: the member said stop and did not come back in the same session.
	AbandonStopped AbandonReason = "stopped"
	// AbandonCancelled: the member cancelled at the summary.
	AbandonCancelled AbandonReason = "cancelled"
	// AbandonForgotten: the member asked to be forgotten (/privacy forget) mid-intake.
	AbandonForgotten AbandonReason = "forgotten"
	// AbandonOther is anything else; it is also what an unknown reason is counted as.
	AbandonOther AbandonReason = "other"
)

// FailReason says why an attempt to post a handoff to a server's moderators failed.
type FailReason string

// The fail reasons.
const (
	// FailForbidden: Discord answered 403; the bot lost access to the moderators' channel.
	FailForbidden FailReason = "forbidden"
	// FailNotFound: Discord answered 404; the channel or server is gone.
	FailNotFound FailReason = "not_found"
	// FailRateLimited: Discord answered 429.
	FailRateLimited FailReason = "rate_limited"
	// FailUnavailable: Discord answered 5xx, or the call timed out or could not connect.
	FailUnavailable FailReason = "unavailable"
	// FailNotConfigured: the server has no moderators' channel set up.
	FailNotConfigured FailReason = "not_configured"
	// FailOther is anything else; it is also what an unknown reason is counted as.
	FailOther FailReason = "other"
)

// StepOutcome is how one engine step (flows.Engine.Handle) ended.
type StepOutcome string

// The step outcomes; they follow the error kinds in package flows.
const (
	StepOK          StepOutcome = "ok"
	StepDuplicate   StepOutcome = "duplicate"   // flows.ErrDuplicate: a redelivered event, applied once already
	StepConflict    StepOutcome = "conflict"    // flows.ErrConflict: lost every retry of the compare-and-set
	StepUnavailable StepOutcome = "unavailable" // flows.ErrUnavailable: Redis did not answer
	StepError       StepOutcome = "error"       // anything else; also what an unknown outcome is counted as
)

// CrisisKinds are the kinds a crisis response is counted under: the kinds of package flows/triage, plus "other"
// for a kind this list does not know yet. Label values come only from this list, never from what a person wrote.
var CrisisKinds = []string{
	"suicide", "self_harm", "violence", "sexual_abuse", "child_at_risk", "medical", "harm_to_others", "other",
}

// RedisErrorKind classifies a Redis error without carrying its text, which may hold keys or addresses.
type RedisErrorKind string

// The Redis error kinds.
const (
	RedisTimeout RedisErrorKind = "timeout" // a deadline passed
	RedisNetwork RedisErrorKind = "network" // the connection failed or broke
	RedisServer  RedisErrorKind = "server"  // Redis answered with an error (OOM, NOSCRIPT, READONLY, ...)
	RedisOther   RedisErrorKind = "other"
)

var (
	urgencies      = []string{string(Urgent), string(Routine)}
	abandonReasons = []string{string(AbandonStopped), string(AbandonCancelled), string(AbandonForgotten), string(AbandonOther)}
	failReasons    = []string{string(FailForbidden), string(FailNotFound), string(FailRateLimited),
		string(FailUnavailable), string(FailNotConfigured), string(FailOther)}
	stepOutcomes    = []string{string(StepOK), string(StepDuplicate), string(StepConflict), string(StepUnavailable), string(StepError)}
	redisErrorKinds = []string{string(RedisTimeout), string(RedisNetwork), string(RedisServer), string(RedisOther)}
)

// AllowedLabels maps every label name that fulcrum's metrics use to the values it may take; nil means the values
// are fixed in code by the caller (readiness check names, the build version). Tests and the deploy checks use it;
// no label may carry a user id, a server id or anything a person wrote.
func AllowedLabels() map[string][]string {
	return map[string][]string{
		"urgency": urgencies,
		"reason":  append(append([]string(nil), abandonReasons...), failReasons...),
		"kind":    append(append([]string(nil), CrisisKinds...), redisErrorKinds...),
		"outcome": stepOutcomes,
		"check":   nil,
		"version": nil,
	}
}

// Metric names, for dashboards, alert rules and the tests that keep them in step.
const (
	MetricIntakesStarted     = "fulcrum_intakes_started_total"
	MetricIntakesCompleted   = "fulcrum_intakes_completed_total"
	MetricIntakesAbandoned   = "fulcrum_intakes_abandoned_total"
	MetricCrisisResponses    = "fulcrum_crisis_responses_total"
	MetricHandoffsPosted     = "fulcrum_handoffs_posted_total"
	MetricHandoffsFailed     = "fulcrum_handoffs_failed_total"
	MetricHandoffsRetried    = "fulcrum_handoffs_retried_total"
	MetricHandoffClaim       = "fulcrum_handoff_claim_seconds"
	MetricHandoffUnclaimed   = "fulcrum_handoffs_unclaimed"
	MetricHandoffOldestClaim = "fulcrum_handoff_oldest_unclaimed_seconds"
	MetricEngineStep         = "fulcrum_engine_step_seconds"
	MetricRedisErrors        = "fulcrum_redis_errors_total"
	MetricReady              = "fulcrum_ready"
	MetricReadinessCheck     = "fulcrum_readiness_check"
	MetricBuildInfo          = "fulcrum_build_info"
)

// Metrics are the counters and histograms of one fulcrum process. The methods are safe for concurrent use, and
// safe on a nil *Metrics (they do nothing), so adapters and tests need not build one.
type Metrics struct {
	intakesStarted   prometheus.Counter
	intakesCompleted *prometheus.CounterVec
	intakesAbandoned *prometheus.CounterVec
	crisisResponses  *prometheus.CounterVec
	handoffsPosted   *prometheus.CounterVec
	handoffsFailed   *prometheus.CounterVec
	handoffsRetried  *prometheus.CounterVec
	handoffClaim     *prometheus.HistogramVec
	unclaimed        *prometheus.GaugeVec
	oldestUnclaimed  *prometheus.GaugeVec
	engineStep       *prometheus.HistogramVec
	redisErrors      *prometheus.CounterVec
}

// NewMetrics creates fulcrum's metrics and registers them with reg. Every label combination starts at zero, so
// rates and alert rules work before the first event. Like prometheus.MustRegister, it panics when a metric of
// the same name is registered already: build one Metrics per registry.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		intakesStarted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricIntakesStarted, Help: "Intakes started (a new session's first step).",
		}),
		intakesCompleted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricIntakesCompleted, Help: "Intakes that reached a handoff, by urgency.",
		}, []string{"urgency"}),
		intakesAbandoned: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricIntakesAbandoned, Help: "Intakes that ended without a handoff, by reason.",
		}, []string{"reason"}),
		crisisResponses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricCrisisResponses, Help: "Crisis responses sent (resources shown at once), by kind of risk.",
		}, []string{"kind"}),
		handoffsPosted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricHandoffsPosted, Help: "Handoffs posted to a server's moderators, by urgency.",
		}, []string{"urgency"}),
		handoffsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricHandoffsFailed, Help: "Failed attempts to post a handoff, by reason; each is retried later.",
		}, []string{"reason"}),
		handoffsRetried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricHandoffsRetried, Help: "Attempts to post a handoff after an earlier attempt failed, by urgency.",
		}, []string{"urgency"}),
		handoffClaim: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: MetricHandoffClaim, Help: "Seconds from a handoff being posted to a moderator claiming it, by urgency.",
			// A minute to a day: urgent handoffs should be claimed in minutes, routine ones within a day.
			Buckets: []float64{60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400},
		}, []string{"urgency"}),
		unclaimed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: MetricHandoffUnclaimed, Help: "Handoffs posted and not yet claimed by a moderator, by urgency.",
		}, []string{"urgency"}),
		oldestUnclaimed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: MetricHandoffOldestClaim, Help: "Age in seconds of the oldest handoff not yet claimed, by urgency; 0 when none waits.",
		}, []string{"urgency"}),
		engineStep: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: MetricEngineStep, Help: "Seconds one intake step took (load, step, save), by outcome.",
			// A step is a few Redis round trips: milliseconds, with Discord's 3 s interaction window as the ceiling.
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"outcome"}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricRedisErrors, Help: "Redis commands that failed (a missing key is not a failure), by kind.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.intakesStarted, m.intakesCompleted, m.intakesAbandoned, m.crisisResponses,
		m.handoffsPosted, m.handoffsFailed, m.handoffsRetried, m.handoffClaim, m.unclaimed, m.oldestUnclaimed,
		m.engineStep, m.redisErrors)
	for _, u := range urgencies {
		m.intakesCompleted.WithLabelValues(u)
		m.handoffsPosted.WithLabelValues(u)
		m.handoffsRetried.WithLabelValues(u)
		m.handoffClaim.WithLabelValues(u)
		m.unclaimed.WithLabelValues(u)
		m.oldestUnclaimed.WithLabelValues(u)
	}
	for _, r := range abandonReasons {
		m.intakesAbandoned.WithLabelValues(r)
	}
	for _, k := range CrisisKinds {
		m.crisisResponses.WithLabelValues(k)
	}
	for _, r := range failReasons {
		m.handoffsFailed.WithLabelValues(r)
	}
	for _, o := range stepOutcomes {
		m.engineStep.WithLabelValues(o)
	}
	for _, k := range redisErrorKinds {
		m.redisErrors.WithLabelValues(k)
	}
	return m
}

// bounded returns v when it is one of allowed and fallback otherwise, so no caller can grow a label's values.
func bounded(v string, allowed []string, fallback string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return fallback
}

func urgency(u Urgency) string { return bounded(string(u), urgencies, string(Routine)) }

// IntakeStarted counts a new intake.
func (m *Metrics) IntakeStarted() {
	if m == nil {
		return
	}
	m.intakesStarted.Inc()
}

// IntakeCompleted counts an intake that reached a handoff.
func (m *Metrics) IntakeCompleted(u Urgency) {
	if m == nil {
		return
	}
	m.intakesCompleted.WithLabelValues(urgency(u)).Inc()
}

// IntakeAbandoned counts an intake that ended without a handoff.
func (m *Metrics) IntakeAbandoned(r AbandonReason) {
	if m == nil {
		return
	}
	m.intakesAbandoned.WithLabelValues(bounded(string(r), abandonReasons, string(AbandonOther))).Inc()
}

// CrisisResponse counts a crisis response. kind is a flows/triage Kind (string(res.Kind)); a kind not in
// CrisisKinds is counted as "other".
func (m *Metrics) CrisisResponse(kind string) {
	if m == nil {
		return
	}
	m.crisisResponses.WithLabelValues(bounded(kind, CrisisKinds, "other")).Inc()
}

// HandoffPosted counts a handoff posted to the moderators.
func (m *Metrics) HandoffPosted(u Urgency) {
	if m == nil {
		return
	}
	m.handoffsPosted.WithLabelValues(urgency(u)).Inc()
}

// HandoffFailed counts a failed attempt to post a handoff.
func (m *Metrics) HandoffFailed(r FailReason) {
	if m == nil {
		return
	}
	m.handoffsFailed.WithLabelValues(bounded(string(r), failReasons, string(FailOther))).Inc()
}

// HandoffRetried counts an attempt to post a handoff that failed before.
func (m *Metrics) HandoffRetried(u Urgency) {
	if m == nil {
		return
	}
	m.handoffsRetried.WithLabelValues(urgency(u)).Inc()
}

// HandoffClaimed records the time from a handoff being posted to a moderator claiming it.
func (m *Metrics) HandoffClaimed(u Urgency, sincePosted time.Duration) {
	if m == nil {
		return
	}
	m.handoffClaim.WithLabelValues(urgency(u)).Observe(sincePosted.Seconds())
}

// SetUnclaimed sets how many handoffs of an urgency wait for a moderator, and the age of the oldest (zero when
// none waits). The bot calls it from its outbox loop; the "urgent handoff unclaimed" alert reads it.
func (m *Metrics) SetUnclaimed(u Urgency, count int, oldest time.Duration) {
	if m == nil {
		return
	}
	m.unclaimed.WithLabelValues(urgency(u)).Set(float64(count))
	m.oldestUnclaimed.WithLabelValues(urgency(u)).Set(oldest.Seconds())
}

// EngineStep records how long one intake step took and how it ended.
func (m *Metrics) EngineStep(o StepOutcome, d time.Duration) {
	if m == nil {
		return
	}
	m.engineStep.WithLabelValues(bounded(string(o), stepOutcomes, string(StepError))).Observe(d.Seconds())
}

// RedisError counts a failed Redis command, classified by ClassifyRedisError. A nil error counts nothing.
func (m *Metrics) RedisError(err error) {
	if m == nil || err == nil {
		return
	}
	m.redisErrors.WithLabelValues(string(ClassifyRedisError(err))).Inc()
}

// ClassifyRedisError sorts a Redis error into a RedisErrorKind. The caller filters out redis.Nil (a missing key)
// first; RedisHook does.
func ClassifyRedisError(err error) RedisErrorKind {
	var netErr net.Error
	var srvErr interface{ RedisError() }
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return RedisTimeout
	case errors.As(err, &netErr):
		if netErr.Timeout() {
			return RedisTimeout
		}
		return RedisNetwork
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, redis.ErrClosed):
		return RedisNetwork
	case errors.As(err, &srvErr):
		return RedisServer
	}
	return RedisOther
}

// StepOutcomeOf maps the error of flows.Engine.Handle to a StepOutcome.
func StepOutcomeOf(err error) StepOutcome {
	switch {
	case err == nil:
		return StepOK
	case errors.Is(err, flows.ErrDuplicate):
		return StepDuplicate
	case errors.Is(err, flows.ErrConflict):
		return StepConflict
	case errors.Is(err, flows.ErrUnavailable):
		return StepUnavailable
	}
	return StepError
}
