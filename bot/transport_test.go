package bot

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingTransport is a hand-written http.RoundTripper that keeps the
// requests it is given and answers 204.
type recordingTransport struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return &http.Response{
		StatusCode: http.StatusNoContent,
		Body:       io.NopCloser(strings.NewReader("")),
		Header:     http.Header{},
		Request:    req,
	}, nil
}

func (r *recordingTransport) last(t *testing.T) *http.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request reached the next transport")
	}
	return r.reqs[len(r.reqs)-1]
}

func TestAPITransportRewrite(t *testing.T) {
	tests := []struct {
		name string
		base string
		in   string
		want string
	}{
		{
			name: "rest call to local fake",
			base: "http://127.0.0.1:1234",
			in:   "https://discord.com/api/v9/channels/1/messages",
			want: "http://127.0.0.1:1234/api/v9/channels/1/messages",
		},
		{
			name: "trailing slash on base",
			base: "http://127.0.0.1:1234/",
			in:   "https://discord.com/api/v9/users/@me",
			want: "http://127.0.0.1:1234/api/v9/users/@me",
		},
		{
			name: "query string kept",
			base: "http://127.0.0.1:1234",
			in:   "https://discord.com/api/v9/webhooks/1/tok/messages/@original?thread_id=5&wait=true",
			want: "http://127.0.0.1:1234/api/v9/webhooks/1/tok/messages/@original?thread_id=5&wait=true",
		},
		{
			name: "base path prefix",
			base: "https://proxy.example/discord/",
			in:   "https://discord.com/api/v10/gateway/bot",
			want: "https://proxy.example/discord/api/v10/gateway/bot",
		},
		{
			name: "escaped path kept escaped",
			base: "http://127.0.0.1:1234",
			in:   "https://discord.com/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D%23/@me",
			want: "http://127.0.0.1:1234/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D%23/@me",
		},
		{
			name: "escaped path under base prefix",
			base: "https://proxy.example/a%20b",
			in:   "https://discord.com/api/v9/channels/1/messages/2/reactions/%23/@me",
			want: "https://proxy.example/a%20b/api/v9/channels/1/messages/2/reactions/%23/@me",
		},
		{
			name: "explicit https port",
			base: "http://127.0.0.1:1234",
			in:   "https://discord.com:443/api/v9/gateway",
			want: "http://127.0.0.1:1234/api/v9/gateway",
		},
		{
			name: "cdn untouched",
			base: "http://127.0.0.1:1234",
			in:   "https://cdn.discordapp.com/avatars/1/a.png",
			want: "https://cdn.discordapp.com/avatars/1/a.png",
		},
		{
			name: "discord.com outside the api untouched",
			base: "http://127.0.0.1:1234",
			in:   "https://discord.com/oauth2/authorize",
			want: "https://discord.com/oauth2/authorize",
		},
		{
			name: "plain http to discord untouched",
			base: "http://127.0.0.1:1234",
			in:   "http://discord.com/api/v9/users/@me",
			want: "http://discord.com/api/v9/users/@me",
		},
		{
			name: "look-alike host untouched",
			base: "http://127.0.0.1:1234",
			in:   "https://discord.com.evil.example/api/v9/users/@me",
			want: "https://discord.com.evil.example/api/v9/users/@me",
		},
		{
			name: "other service untouched",
			base: "http://127.0.0.1:1234",
			in:   "https://example.com/api/v9/users/@me",
			want: "https://example.com/api/v9/users/@me",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &recordingTransport{}
			rt, err := NewAPITransport(tt.base, next)
			if err != nil {
				t.Fatalf("NewAPITransport(%q): %v", tt.base, err)
			}
			req, err := http.NewRequest(http.MethodPost, tt.in, strings.NewReader(`{"content":"hi"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bot secret")
			before := req.URL.String()

			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			resp.Body.Close()

			got := next.last(t)
			if got.URL.String() != tt.want {
				t.Errorf("URL = %s, want %s", got.URL, tt.want)
			}
			if req.URL.String() != before {
				t.Errorf("caller's request changed to %s", req.URL)
			}
			if got.Header.Get("Authorization") != "Bot secret" {
				t.Errorf("Authorization header lost: %q", got.Header.Get("Authorization"))
			}
			if got.URL.String() != tt.in && got.Host != "" {
				t.Errorf("Host = %q, want empty so the new host is sent", got.Host)
			}
			body, err := io.ReadAll(got.Body)
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != `{"content":"hi"}` {
				t.Errorf("body = %q", body)
			}
		})
	}
}

func TestAPITransportEndToEnd(t *testing.T) {
	// A real client and server make sure the Host header and the path reach
	// the wire as the rewritten URL says.
	type seen struct{ host, uri string }
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.Host, r.RequestURI}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	rt, err := NewAPITransport(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: rt}
	resp, err := client.Get("https://discord.com/api/v9/gateway?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s := <-got
	if want := strings.TrimPrefix(srv.URL, "http://"); s.host != want {
		t.Errorf("Host = %q, want %q", s.host, want)
	}
	if s.uri != "/api/v9/gateway?x=1" {
		t.Errorf("RequestURI = %q", s.uri)
	}
}

func TestAPITransportDefaultNextKeepsProxy(t *testing.T) {
	rt, err := NewAPITransport("http://127.0.0.1:1234", nil)
	if err != nil {
		t.Fatal(err)
	}
	at, ok := rt.(*apiTransport)
	if !ok {
		t.Fatalf("got %T", rt)
	}
	tr, ok := at.next.(*http.Transport)
	if !ok {
		t.Fatalf("default next is %T, want *http.Transport", at.next)
	}
	if tr == http.DefaultTransport {
		t.Error("default next is http.DefaultTransport itself, want a clone")
	}
	if tr.Proxy == nil {
		t.Error("default next has no Proxy func; HTTPS_PROXY would be ignored")
	}
	if tr.TLSClientConfig != nil && tr.TLSClientConfig.RootCAs != nil {
		t.Error("default next pins RootCAs; SSL_CERT_FILE would be ignored")
	}
}

func TestNewAPITransportRejectsBadBase(t *testing.T) {
	for _, base := range []string{
		"",
		"127.0.0.1:1234",
		"ftp://127.0.0.1",
		"ws://127.0.0.1:1234",
		"http://",
		"/api",
		"http://127.0.0.1:1234/?a=b",
		"http://127.0.0.1:1234/#frag",
		"http://[::1",
	} {
		t.Run(base, func(t *testing.T) {
			if _, err := NewAPITransport(base, nil); err == nil {
				t.Errorf("NewAPITransport(%q) = nil error, want an error", base)
			}
		})
	}
}

func TestSessionReusesConnectionsUnderLoad(t *testing.T) {
	// Requests at once, each held by the server until all have arrived, so that each has a connection of its own.
	const n = 16
	var (
		mu      sync.Mutex
		conns   int
		arrived int
		all     chan struct{}
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived++
		if arrived == n {
			close(all)
		}
		ch := all
		mu.Unlock()
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	s, err := NewSession("token", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	burst := func() int {
		mu.Lock()
		before := conns
		arrived, all = 0, make(chan struct{})
		mu.Unlock()
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := s.Client.Get("https://discord.com/api/v9/gateway")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}()
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return conns - before
	}
	if opened := burst(); opened != n {
		t.Fatalf("the first burst opened %d connections, want %d", opened, n)
	}
	// The second burst finds the first one's connections idle: Go's default keeps 2 and dials the rest again.
	if opened := burst(); opened > n/4 {
		t.Errorf("the second burst of %d requests opened %d new connections, want the idle ones reused", n, opened)
	}
}
