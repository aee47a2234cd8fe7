package bot

import (
	"io"
	"net/http"
	"time"
)

// retryTransport resends a request Discord answered with a server error (500, 502, 503, 504), with backoff, a
// few times: a member's reply or a moderator's card must not be lost to a passing outage. discordgo itself
// retries rate limits (429) and, a few times, 502; everything else it returns at once.
type retryTransport struct {
	next  http.RoundTripper
	waits []time.Duration
}

// retryWaits are the pauses before each new attempt: a little over a second in all, within the time an event
// has, and short of Discord's 3-second window only for the rare request that needs them all.
var retryWaits = []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 900 * time.Millisecond}

func newRetryTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = defaultTransport()
	}
	return &retryTransport{next: next, waits: retryWaits}
}

// RoundTrip sends the request and resends it after a server error while the request's body can be replayed and
// its context allows.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	for _, wait := range t.waits {
		if err != nil || !serverError(resp.StatusCode) || (req.Body != nil && req.GetBody == nil) {
			return resp, err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
		again := req.Clone(req.Context())
		if req.GetBody != nil {
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, gerr
			}
			again.Body = body
		}
		resp, err = t.next.RoundTrip(again)
	}
	return resp, err
}

func serverError(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
