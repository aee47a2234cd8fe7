package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsoleOnEmbeddedStore runs the README's first command as a newcomer would: no Redis configured.
func TestConsoleOnEmbeddedStore(t *testing.T) {
	t.Setenv("FULCRUM_REDIS_URL", "")
	in := strings.NewReader(strings.Join([]string{"1", "no", "no", "safe", "no", "my boss makes me stay late without pay", "yes"}, "\n") + "\n")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"console", "--json"}, in, &out, &errOut); err != nil {
		t.Fatalf("run: %v (stderr: %s)", err, errOut.String())
	}
	var states []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m struct {
			State   string `json:"state"`
			Waiting bool   `json:"waiting"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if m.Waiting {
			states = append(states, m.State)
		}
	}
	want := "welcome risk_wish risk_behaviour safe_now age concern concern#confirm work_who"
	if got := strings.Join(states, " "); got != want {
		t.Errorf("states = %s\nwant     %s", got, want)
	}
	if !strings.Contains(errOut.String(), "embedded") {
		t.Errorf("no loud warning about the embedded store: %q", errOut.String())
	}
	if strings.Contains(errOut.String(), "stay late") {
		t.Error("a log line holds what the person typed")
	}
}

func TestTriageCommand(t *testing.T) {
	in := strings.NewReader("I'm going to kill myself tonight\nmy boss makes me stay late every day without pay\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"triage"}, in, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON line per message, got %d: %q", len(lines), out.String())
	}
	var first, second struct {
		Text     string   `json:"text"`
		Crisis   bool     `json:"crisis"`
		Risk     string   `json:"risk"`
		Concerns []string `json:"concerns"`
	}
	_ = json.Unmarshal([]byte(lines[0]), &first)
	_ = json.Unmarshal([]byte(lines[1]), &second)
	if !first.Crisis || first.Risk != "crisis" || first.Text != "I'm going to kill myself tonight" {
		t.Errorf("first = %+v", first)
	}
	if second.Crisis || second.Risk != "none" || len(second.Concerns) == 0 || second.Concerns[0] != "workplace" {
		t.Errorf("second = %+v", second)
	}
}

func TestFlowsCommands(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"flows", "graph"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "flowchart TD") {
		t.Errorf("graph: %q", out.String()[:min(50, out.Len())])
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nstart: nowhere\nstates: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"flows", "check", bad}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("check of a broken file: err = %v", err)
	}
	t.Setenv("FULCRUM_FLOW_FILE", bad)
	if err := run(context.Background(), []string{"console"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("console started with an invalid FULCRUM_FLOW_FILE")
	}
}
