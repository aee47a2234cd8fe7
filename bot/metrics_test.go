package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fulcrum-intake/fulcrum/ops"
)

// metricSum adds up every series of a metric family: counters, gauges, and histograms' observation counts.
func metricSum(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				sum += m.GetCounter().GetValue()
			case m.Gauge != nil:
				sum += m.GetGauge().GetValue()
			case m.Histogram != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

func TestMetricsOfDMIntakes(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := newHarnessWith(t, harnessConfig{metrics: ops.NewMetrics(reg)})
	s := h.addServer("Clinic", true)

	// One member goes all the way to a handoff.
	member := h.addMember(s, "sofia")
	dm := h.fake.DMChannelID(member)
	const secret = "zebra-7 he reads my DMs"
	h.fake.SendDM(member, "hi")
	h.walk(member, workIntake(secret))
	h.waitContent(dm, "Thank you for trusting us")
	h.waitCard(s.mods)
	h.eventually("handoff counted as posted", func() bool {
		return metricSum(t, reg, ops.MetricHandoffsPosted, nil) == 1
	})
	h.eventually("the posted handoff counted as unclaimed", func() bool {
		return metricSum(t, reg, ops.MetricHandoffUnclaimed, nil) == 1
	})

	// Another starts, and types stop.
	stopper := h.addMember(s, "lena")
	h.fake.SendDM(stopper, "hello there")
	h.waitContent(h.fake.DMChannelID(stopper), h.question("welcome"))
	before := len(h.botMessages(h.fake.DMChannelID(stopper)))
	h.fake.SendDM(stopper, "stop")
	if _, err := h.fake.WaitBotMessages(h.ctx(), h.fake.DMChannelID(stopper), before+1); err != nil {
		t.Fatal(err)
	}

	// A third writes a crisis first.
	crisisMember := h.addMember(s, "ana")
	const crisisText = "I'm going to kill myself tonight"
	h.fake.SendDM(crisisMember, crisisText)
	h.waitContent(h.fake.DMChannelID(crisisMember), "Thank you for telling me")

	// The steps of a turn are counted just before its reply goes out.
	h.eventually("the crisis counted", func() bool {
		return metricSum(t, reg, ops.MetricCrisisResponses, map[string]string{"kind": "suicide"}) >= 1
	})
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{ops.MetricIntakesStarted, nil, 3}, // a crisis in the first message starts the intake too
		{ops.MetricIntakesCompleted, nil, 1},
		{ops.MetricIntakesAbandoned, map[string]string{"reason": "stopped"}, 1},
		{ops.MetricHandoffsFailed, nil, 0},
	} {
		if got := metricSum(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if got, min := metricSum(t, reg, ops.MetricEngineStep, map[string]string{"outcome": "ok"}), float64(len(workIntake(""))+1); got < min {
		t.Errorf("%d engine steps observed, want at least %v", int(got), min)
	}

	// No label value names a member, a server, or anything anyone typed.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	allowed := ops.AllowedLabels()
	forbidden := []string{member, stopper, crisisMember, s.id, "sofia", "zebra", "hello there", "kill", "I'm safe"}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				v := lp.GetValue()
				for _, f := range forbidden {
					if strings.Contains(v, f) {
						t.Errorf("%s{%s=%q} holds %q", mf.GetName(), lp.GetName(), v, f)
					}
				}
				if vals, ok := allowed[lp.GetName()]; !ok {
					t.Errorf("%s has a label %s outside ops.AllowedLabels", mf.GetName(), lp.GetName())
				} else if vals != nil && !slices.Contains(vals, v) {
					t.Errorf("%s{%s=%q}: not an allowed value", mf.GetName(), lp.GetName(), v)
				}
			}
		}
	}
}

func TestGatewayReadyFollowsTheConnection(t *testing.T) {
	h := newHarness(t)
	ready := func() bool { return h.bot.GatewayReady(context.Background()) == nil }
	h.eventually("ready after READY", ready)

	// A dropped connection is resumed at once; the bot is ready again after it.
	h.fake.DropGateway()
	h.eventually("resumed and ready again", func() bool { return len(h.fake.Resumes()) > 0 && ready() })

	// A connection that is down and stays down (closed here, as no reconnect would succeed) is not ready.
	if err := h.bot.sess.Close(); err != nil {
		t.Fatal(err)
	}
	if ready() {
		t.Error("ready with the gateway connection closed")
	}
}
