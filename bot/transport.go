package bot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// discordAPIPrefix is the path every Discord REST endpoint lives under,
// whatever the API version.
const discordAPIPrefix = "/api/"

// apiTransport sends requests aimed at Discord's REST API to another base URL
// and leaves every other request alone.
type apiTransport struct {
	scheme string
	host   string
	// prefix is the base URL's path without its trailing slash, so that
	// prefix + "/api/v9/..." is the rewritten path.
	prefix string
	next   http.RoundTripper
}

// NewAPITransport returns an http.RoundTripper that sends requests aimed at
// https://discord.com/api/ to base instead, keeping the path (after base's own
// path), the query and the headers, and passes every other request to next
// unchanged. base is an absolute http or https URL such as
// "http://127.0.0.1:1234" or "https://proxy.example/discord/".
//
// A nil next means a clone of http.DefaultTransport, so proxy settings from
// the environment (HTTPS_PROXY, NO_PROXY) and the system certificate pool
// (SSL_CERT_FILE) keep working.
//
// discordgo builds its REST URLs from constants, so a session reaches another
// server only through its http.Client:
//
//	rt, err := bot.NewAPITransport(base, nil)
//	s.Client = &http.Client{Transport: rt, Timeout: 20 * time.Second}
func NewAPITransport(base string, next http.RoundTripper) (http.RoundTripper, error) {
	if base == "" {
		return nil, errors.New("api transport: empty base URL")
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("api transport: parse base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("api transport: base URL %q: scheme must be http or https", base)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("api transport: base URL %q has no host", base)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("api transport: base URL %q must not have a query or fragment", base)
	}
	if next == nil {
		next = defaultTransport()
	}
	return &apiTransport{
		scheme: u.Scheme,
		host:   u.Host,
		prefix: strings.TrimSuffix(u.EscapedPath(), "/"),
		next:   next,
	}, nil
}

// defaultTransport clones http.DefaultTransport so that changes made to the
// clone (connection pools, timeouts) never leak into the rest of the process.
func defaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return http.DefaultTransport
}

// maxIdleDiscordConns is how many idle connections to Discord (or the API base) the bot keeps. Each event runs
// in a goroutine of its own, so many requests are in flight at once; Go keeps only 2 idle connections per host
// by default, and every other connection is closed after its request and a new one dialed for the next (with
// a TLS handshake through an HTTP/1.1 proxy). Over HTTP/2, as to discord.com itself, requests share one
// connection and this changes nothing.
const maxIdleDiscordConns = 128

// discordTransport is the transport of the bot's REST calls: a clone of http.DefaultTransport that keeps
// enough idle connections for the bot's concurrent requests.
func discordTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConns = max(t.MaxIdleConns, maxIdleDiscordConns)
	t.MaxIdleConnsPerHost = maxIdleDiscordConns
	return t
}

// RoundTrip implements http.RoundTripper.
func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isDiscordAPI(req.URL) {
		return t.next.RoundTrip(req)
	}
	// A RoundTripper must not modify the request it is given.
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme = t.scheme
	u.Host = t.host
	if t.prefix != "" {
		prefix, err := url.PathUnescape(t.prefix)
		if err != nil {
			return nil, fmt.Errorf("api transport: base path: %w", err)
		}
		u.Path = prefix + req.URL.Path
		if req.URL.RawPath != "" {
			u.RawPath = t.prefix + req.URL.RawPath
		} else if prefix != t.prefix {
			u.RawPath = t.prefix + req.URL.EscapedPath()
		}
	}
	out.URL = &u
	// An empty Host makes the client send the new URL's host, not discord.com.
	out.Host = ""
	return t.next.RoundTrip(out)
}

// isDiscordAPI reports whether u is a Discord REST API URL.
func isDiscordAPI(u *url.URL) bool {
	if u == nil || u.Scheme != "https" {
		return false
	}
	host := strings.ToLower(u.Host)
	if host != "discord.com" && host != "discord.com:443" {
		return false
	}
	return strings.HasPrefix(u.Path, discordAPIPrefix)
}
