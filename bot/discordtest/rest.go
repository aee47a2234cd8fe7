package discordtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxRequestBody is Discord's upload limit for bots without boosts (25 MiB)
// plus room for the JSON payload.
const maxRequestBody = 25<<20 + 1<<20

// Call is one REST request the fake received, with what it answered.
type Call struct {
	Method string
	// Path is the path after /api/vN, e.g. "/channels/123/messages".
	Path string
	// Version is the API version of the path; 0 for paths outside /api.
	Version int
	// Route is the route template the path matched, e.g.
	// "/channels/{channel}/messages"; "" for an unknown route.
	Route  string
	Query  url.Values
	Header http.Header
	// Body is the JSON body, or the payload_json part of a multipart body;
	// nil when there was none.
	Body json.RawMessage
	// Files are the file parts of a multipart body.
	Files  []File
	Status int
	// Response is the JSON the fake answered with; nil for 204.
	Response json.RawMessage
	// Fault is true when the answer was an injected fault.
	Fault bool
	At    time.Time
}

// Decode unmarshals the call's JSON body into v.
func (c Call) Decode(v any) error {
	if c.Body == nil {
		return errors.New("discordtest: call has no body")
	}
	return json.Unmarshal(c.Body, v)
}

// File is a file uploaded in a multipart request.
type File struct {
	// Field is the form field, e.g. "files[0]".
	Field       string
	Name        string
	ContentType string
	Data        []byte
}

// Fault is an error the fake answers matching requests with, instead of
// (or, with AfterApply, after) handling them.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path matches the path after /api/vN segment by segment; a segment
	// "{name}" or "*" matches any one segment. "" matches any path. Example:
	// "/channels/{id}/messages".
	Path string
	// Status is the HTTP status to answer, e.g. 500, 503, 403 or 429.
	Status int
	// Code and Message are Discord's JSON error code and message. Zero
	// values get Discord's usual ones for the status (403: 50013 "Missing
	// Permissions").
	Code    int
	Message string
	// RetryAfter is the retry_after of a 429, also sent as
	// X-RateLimit-Reset-After; zero means the fake's default (100 ms).
	RetryAfter time.Duration
	// Global makes a 429 a global rate limit (X-RateLimit-Global: true).
	Global bool
	// Times is how many matching requests fail; below 1 means 1.
	Times int
	// AfterApply makes the fake carry out the request and then answer with
	// the fault, as when a response is lost after Discord acted: the
	// message exists although the bot saw an error.
	AfterApply bool
	// Stall makes the fake never answer: the request hangs until the client
	// gives up (its context ends, the connection closes) or the fake closes,
	// as when the bot is killed while waiting. With AfterApply the request is
	// carried out first: the message exists, but nobody heard so. Status is
	// then unused.
	Stall bool
}

// Inject adds a fault for the next matching requests. Faults are tried in
// the order they were added.
func (f *Fake) Inject(ft Fault) {
	if ft.Times < 1 {
		ft.Times = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &ft)
}

// FailNext makes the next n requests matching method and pathPattern (see
// Fault.Path) fail with status and Discord's usual error body for it. A 429
// gets retry_after and X-RateLimit-* headers with the default retry delay.
func (f *Fake) FailNext(method, pathPattern string, status, n int) {
	f.Inject(Fault{Method: method, Path: pathPattern, Status: status, Times: n})
}

// RateLimitNext makes the next n matching requests answer 429 with the
// given retry_after, as a per-route rate limit.
func (f *Fake) RateLimitNext(method, pathPattern string, retryAfter time.Duration, n int) {
	f.Inject(Fault{Method: method, Path: pathPattern, Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Times: n})
}

func (f *Fake) takeFaultLocked(method, path string) *Fault {
	for i, ft := range f.faults {
		if ft.Method != "" && !strings.EqualFold(ft.Method, method) {
			continue
		}
		if ft.Path != "" {
			if _, ok := matchPath(ft.Path, path); !ok {
				continue
			}
		}
		ft.Times--
		if ft.Times <= 0 {
			f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
		}
		c := *ft
		return &c
	}
	return nil
}

// matchPath matches a path against a template of literal segments and
// "{name}" or "*" wildcards, returning the named segments.
func matchPath(pattern, path string) (map[string]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range ps {
		switch {
		case p == "*":
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			if xs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = xs[i]
		case p != xs[i]:
			return nil, false
		}
	}
	return params, true
}

// apiRequest is a REST request as the route handlers see it.
type apiRequest struct {
	method  string
	path    string
	version int
	params  map[string]string
	query   url.Values
	body    json.RawMessage
	files   []File
	now     time.Time
}

// response is what a route handler answers.
type response struct {
	status int
	body   any
	header http.Header
	// stall holds the answer back until the client gives up (Fault.Stall).
	stall bool
}

func jsonResponse(status int, body any) response { return response{status: status, body: body} }

// encodeLocked encodes a response body while the fake's state cannot change under it.
func encodeLocked(body any) any {
	if body == nil {
		return nil
	}
	raw, err := json.Marshal(body)
	if err != nil {
		panic("discordtest: marshal response: " + err.Error())
	}
	return json.RawMessage(raw)
}

func noContent() response { return response{status: http.StatusNoContent} }

// apiError is Discord's JSON error body.
func apiError(status, code int, message string) response {
	return response{status: status, body: map[string]any{"message": message, "code": code}}
}

type route struct {
	method  string
	pattern string
	// noAuth routes are the ones Discord serves without a bot token: the
	// gateway URL and the interaction token routes.
	noAuth bool
	handle func(*Fake, *apiRequest) response
}

// apiRoutes are the routes the fake serves, tried in order.
func apiRoutes() []route {
	return []route{
		{method: "GET", pattern: "/gateway", noAuth: true, handle: (*Fake).getGateway},
		{method: "GET", pattern: "/gateway/bot", handle: (*Fake).getGatewayBot},
		{method: "GET", pattern: "/users/@me", handle: (*Fake).getMe},
		{method: "POST", pattern: "/users/@me/channels", handle: (*Fake).createDM},
		{method: "GET", pattern: "/users/{user}", handle: (*Fake).getUser},
		{method: "GET", pattern: "/channels/{channel}", handle: (*Fake).getChannel},
		{method: "GET", pattern: "/channels/{channel}/messages", handle: (*Fake).listMessages},
		{method: "POST", pattern: "/channels/{channel}/messages", handle: (*Fake).postMessage},
		{method: "GET", pattern: "/channels/{channel}/messages/{message}", handle: (*Fake).getMessage},
		{method: "PATCH", pattern: "/channels/{channel}/messages/{message}", handle: (*Fake).editMessage},
		{method: "DELETE", pattern: "/channels/{channel}/messages/{message}", handle: (*Fake).deleteMessage},
		{method: "POST", pattern: "/channels/{channel}/threads", handle: (*Fake).startThread},
		{method: "POST", pattern: "/channels/{channel}/messages/{message}/threads", handle: (*Fake).startMessageThread},
		{method: "PUT", pattern: "/channels/{channel}/thread-members/{user}", handle: (*Fake).addThreadMember},
		{method: "GET", pattern: "/guilds/{guild}", handle: (*Fake).getGuild},
		{method: "GET", pattern: "/guilds/{guild}/members/{user}", handle: (*Fake).getMember},
		{method: "GET", pattern: "/guilds/{guild}/roles", handle: (*Fake).getRoles},
		{method: "GET", pattern: "/guilds/{guild}/channels", handle: (*Fake).getGuildChannels},
		{method: "GET", pattern: "/applications/{app}/commands", handle: (*Fake).getCommands},
		{method: "PUT", pattern: "/applications/{app}/commands", handle: (*Fake).putCommands},
		{method: "GET", pattern: "/applications/{app}/guilds/{guild}/commands", handle: (*Fake).getCommands},
		{method: "PUT", pattern: "/applications/{app}/guilds/{guild}/commands", handle: (*Fake).putCommands},
		{method: "POST", pattern: "/interactions/{interaction}/{token}/callback", noAuth: true, handle: (*Fake).interactionCallback},
		{method: "POST", pattern: "/webhooks/{app}/{token}", noAuth: true, handle: (*Fake).followupCreate},
		{method: "GET", pattern: "/webhooks/{app}/{token}/messages/{message}", noAuth: true, handle: (*Fake).webhookGet},
		{method: "PATCH", pattern: "/webhooks/{app}/{token}/messages/{message}", noAuth: true, handle: (*Fake).webhookEdit},
		{method: "DELETE", pattern: "/webhooks/{app}/{token}/messages/{message}", noAuth: true, handle: (*Fake).webhookDelete},
	}
}

// ServeHTTP serves the REST API under /api/v9 and /api/v10 and the gateway
// at /gateway. Tests normally reach it through URL.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		f.serveGateway(w, r)
		return
	}
	now := time.Now().UTC()
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), At: now}
	resp := f.serveAPI(r, &call, now)
	if resp.stall {
		f.mu.Lock()
		f.calls = append(f.calls, call) // Status 0: never answered
		f.notifyLocked()
		f.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-f.stop:
		}
		return
	}

	var body []byte
	if resp.body != nil {
		var err error
		if body, err = json.Marshal(resp.body); err != nil {
			panic("discordtest: marshal response: " + err.Error())
		}
	}
	call.Status = resp.status
	call.Response = body
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.notifyLocked()
	f.mu.Unlock()

	for k, vs := range resp.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if body != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.status)
	w.Write(body)
}

func (f *Fake) serveAPI(r *http.Request, call *Call, now time.Time) response {
	version, path, ok := splitAPIPath(r.URL.Path)
	call.Version, call.Path = version, path
	if !ok {
		return apiError(http.StatusNotFound, 0, "404: Not Found")
	}
	body, files, errResp := readBody(r)
	call.Body, call.Files = body, files
	if errResp != nil {
		return *errResp
	}
	if version != 9 && version != 10 {
		return apiError(http.StatusBadRequest, 50041, "Invalid API version provided")
	}
	var rt *route
	var params map[string]string
	pathKnown := false
	for i := range f.routes {
		p, ok := matchPath(f.routes[i].pattern, path)
		if !ok {
			continue
		}
		pathKnown = true
		if f.routes[i].method == r.Method {
			rt, params = &f.routes[i], p
			break
		}
	}
	if rt == nil {
		if pathKnown {
			return apiError(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		}
		return apiError(http.StatusNotFound, 0, "404: Not Found")
	}
	call.Route = rt.pattern
	if !rt.noAuth && r.Header.Get("Authorization") != "Bot "+f.cfg.token {
		return apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	ft := f.takeFaultLocked(r.Method, path)
	if ft != nil {
		call.Fault = true
		if !ft.AfterApply {
			if ft.Stall {
				return response{stall: true}
			}
			return f.faultResponse(ft, rt.pattern, now)
		}
	}
	req := &apiRequest{method: r.Method, path: path, version: version, params: params, query: call.Query, body: body, files: files, now: now}
	resp := rt.handle(f, req)
	// Encoded now, under the lock: a handler may answer with a stored message's own map, which a later
	// request edits in place.
	resp.body = encodeLocked(resp.body)
	f.notifyLocked()
	if ft != nil {
		if ft.Stall {
			return response{stall: true}
		}
		return f.faultResponse(ft, rt.pattern, now)
	}
	return resp
}

// splitAPIPath splits "/api/v9/x/y" into 9 and "/x/y". A path under /api
// without a version is version 0.
func splitAPIPath(p string) (int, string, bool) {
	rest, ok := strings.CutPrefix(p, "/api/")
	if !ok {
		return 0, p, false
	}
	seg, tail, _ := strings.Cut(rest, "/")
	if v, ok := strings.CutPrefix(seg, "v"); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n, "/" + tail, true
		}
	}
	return 0, "/" + rest, true
}

// readBody parses a JSON or multipart body. Multipart bodies carry the
// JSON in payload_json and files in files[n] parts.
func readBody(r *http.Request) (json.RawMessage, []File, *response) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		e := apiError(http.StatusBadRequest, 0, "400: Bad Request")
		return nil, nil, &e
	}
	if len(data) > maxRequestBody {
		e := apiError(http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
		return nil, nil, &e
	}
	if len(data) == 0 {
		return nil, nil, nil
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		var body json.RawMessage
		var files []File
		mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				e := apiError(http.StatusBadRequest, 50035, "Invalid Form Body")
				return nil, nil, &e
			}
			b, err := io.ReadAll(part)
			if err != nil {
				e := apiError(http.StatusBadRequest, 50035, "Invalid Form Body")
				return nil, nil, &e
			}
			if part.FormName() == "payload_json" {
				body = b
				continue
			}
			if part.FileName() != "" {
				files = append(files, File{Field: part.FormName(), Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: b})
			}
		}
		if body != nil && !json.Valid(body) {
			e := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
			return nil, files, &e
		}
		return body, files, nil
	}
	if !json.Valid(data) {
		e := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return data, nil, &e
	}
	return data, nil, nil
}

// statusMessage is Discord's message for an error without a specific code.
func statusMessage(status int) string {
	switch status {
	case http.StatusForbidden:
		return "Missing Permissions"
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return fmt.Sprintf("%d: %s", status, http.StatusText(status))
	}
	return ""
}

func (f *Fake) faultResponse(ft *Fault, routePattern string, now time.Time) response {
	code, msg := ft.Code, ft.Message
	if ft.Status == http.StatusForbidden && code == 0 && msg == "" {
		code = 50013
	}
	if msg == "" {
		msg = statusMessage(ft.Status)
		if msg == "" {
			msg = fmt.Sprintf("%d: %s", ft.Status, http.StatusText(ft.Status))
		}
	}
	if ft.Status != http.StatusTooManyRequests {
		return apiError(ft.Status, code, msg)
	}
	ra := ft.RetryAfter
	if ra <= 0 {
		ra = f.cfg.retryAfter
	}
	secs := ra.Seconds()
	h := fnv.New32a()
	h.Write([]byte(routePattern))
	hdr := http.Header{}
	hdr.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	hdr.Set("X-RateLimit-Limit", "5")
	hdr.Set("X-RateLimit-Remaining", "0")
	hdr.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(now.Add(ra).UnixMilli())/1000, 'f', 3, 64))
	hdr.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	hdr.Set("X-RateLimit-Bucket", fmt.Sprintf("%08x", h.Sum32()))
	scope := "user"
	if ft.Global {
		scope = "global"
		hdr.Set("X-RateLimit-Global", "true")
	}
	hdr.Set("X-RateLimit-Scope", scope)
	body := map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": ft.Global}
	if ft.Code != 0 {
		body["code"] = ft.Code
	}
	if ft.Message != "" {
		body["message"] = ft.Message
	}
	return response{status: http.StatusTooManyRequests, body: body, header: hdr}
}

// Calls returns every REST call received so far, in order.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// CallsTo returns the calls whose method matches (any if "") and whose path
// matches pathPattern, a template as in Fault.Path.
func (f *Fake) CallsTo(method, pathPattern string) []Call {
	var out []Call
	for _, c := range f.Calls() {
		if method != "" && !strings.EqualFold(method, c.Method) {
			continue
		}
		if _, ok := matchPath(pathPattern, c.Path); ok {
			out = append(out, c)
		}
	}
	return out
}

// UnknownCalls returns the calls to routes the fake does not know (404 or
// 405), which usually means the bot calls something the fake should learn.
func (f *Fake) UnknownCalls() []Call {
	var out []Call
	for _, c := range f.Calls() {
		if c.Route == "" {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls match method and pathPattern and
// returns the matching calls.
func (f *Fake) WaitCalls(ctx context.Context, method, pathPattern string, n int) ([]Call, error) {
	var out []Call
	err := f.WaitFor(ctx, func() bool {
		out = f.CallsTo(method, pathPattern)
		return len(out) >= n
	})
	return out, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("discordtest: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}
