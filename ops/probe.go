package ops

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Probe GETs url and returns nil on a 2xx answer. It is the body of a "fulcrum healthcheck" subcommand, which a
// distroless image (no shell, no curl) needs for a Docker HEALTHCHECK or a compose health check. It gives up
// after 3 s or when ctx ends, whichever comes first.
func Probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("healthcheck: %s answered %s: %s", url, resp.Status, body)
	}
	return nil
}

// LocalURL turns a listen address such as ":8080", "0.0.0.0:8080" or "[::]:8080" into a URL for path on the
// loopback interface ("http://127.0.0.1:8080/readyz"), for Probe to call from inside the container.
func LocalURL(addr, path string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: listen address %q: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
