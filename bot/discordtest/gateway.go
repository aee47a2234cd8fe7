package discordtest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// Gateway close codes the fake uses.
const (
	closeUnknownOpcode    = 4001
	closeDecodeError      = 4002
	closeNotAuthenticated = 4003
	closeAuthFailed       = 4004
	closeAlreadyAuthed    = 4005
	closeInvalidShard     = 4010
	closeDisallowedIntent = 4014
)

// maxClientPayload is the size above which Discord closes the gateway with
// 4002: clients may send at most 4096 bytes a payload.
const maxClientPayload = 4096

// resumeBuffer is how many dispatches a session keeps for RESUME.
const resumeBuffer = 1000

// privilegedIntents are the intents an application must be allowed in its
// developer portal.
const privilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

// Event is a dispatch (op 0) the fake sent, or buffered for a session whose
// connection is down.
type Event struct {
	SessionID string
	Seq       int64
	Type      string
	Data      json.RawMessage
	// Delivered is false when the session had no connection at the time;
	// the event is then replayed if the session resumes.
	Delivered bool
}

// Identify is an IDENTIFY (op 2) the fake received, without its token.
type Identify struct {
	Intents        discordgo.Intent
	Shard          *[2]int
	Properties     discordgo.IdentifyProperties
	Compress       bool
	LargeThreshold int
	// Presence is the initial presence as sent. It stays raw because
	// discordgo cannot decode the presence it sends itself (it writes
	// activities' created_at as a timestamp string, Discord's format being
	// an integer).
	Presence json.RawMessage
}

// Resume is a RESUME (op 6) the fake received.
type Resume struct {
	SessionID string
	Seq       int64
	// Replayed is how many buffered events were sent again; OK is false when
	// the fake answered INVALID_SESSION.
	Replayed int
	OK       bool
}

type frame struct {
	Op   int             `json:"op"`
	Data json.RawMessage `json:"d"`
	Seq  *int64          `json:"s"`
	Type *string         `json:"t"`
}

type gwSession struct {
	id      string
	shard   [2]int
	sharded bool
	intents discordgo.Intent
	version int
	seq     int64
	buffer  []frame
	conn    *gwConn
}

type gwOut struct {
	data   []byte
	close  bool
	code   int
	reason string
}

type gwConn struct {
	ws      *websocket.Conn
	out     chan gwOut
	done    chan struct{}
	once    sync.Once
	version int
	session *gwSession
	// ready is set once READY or RESUMED has been queued.
	ready bool
}

// drop ends the connection abruptly, without a close frame, as a network
// failure would.
func (c *gwConn) drop() {
	c.once.Do(func() {
		close(c.done)
		c.ws.Close()
	})
}

// send queues a payload; a client too slow to take 4096 queued
// payloads is dropped, as Discord drops slow consumers.
func (c *gwConn) send(m gwOut) {
	select {
	case c.out <- m:
	case <-c.done:
	default:
		c.drop()
	}
}

func (c *gwConn) sendJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("discordtest: marshal gateway payload: " + err.Error())
	}
	c.send(gwOut{data: b})
}

func (c *gwConn) closeWith(code int, reason string) {
	c.send(gwOut{close: true, code: code, reason: reason})
}

func (c *gwConn) writeLoop() {
	for {
		select {
		case m := <-c.out:
			c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if m.close {
				c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(m.code, m.reason))
				c.drop()
				return
			}
			if err := c.ws.WriteMessage(websocket.TextMessage, m.data); err != nil {
				c.drop()
				return
			}
		case <-c.done:
			return
		}
	}
}

// serveGateway runs one gateway connection.
func (f *Fake) serveGateway(w http.ResponseWriter, r *http.Request) {
	version := 9
	if v := r.URL.Query().Get("v"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || (n != 9 && n != 10) {
			http.Error(w, "invalid gateway version", http.StatusBadRequest)
			return
		}
		version = n
	}
	if enc := r.URL.Query().Get("encoding"); enc != "" && enc != "json" {
		http.Error(w, "the fake speaks only encoding=json", http.StatusBadRequest)
		return
	}
	if r.URL.Query().Get("compress") != "" {
		http.Error(w, "the fake does not do transport compression", http.StatusBadRequest)
		return
	}
	up := websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 4096,
		CheckOrigin:     func(*http.Request) bool { return true },
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, out: make(chan gwOut, 4096), done: make(chan struct{}), version: version}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		ws.Close()
		return
	}
	f.conns[c] = struct{}{}
	f.wg.Add(2) // the writer below and this handler's read loop
	f.notifyLocked()
	f.mu.Unlock()
	defer f.wg.Done()
	go func() {
		defer f.wg.Done()
		c.writeLoop()
	}()
	c.sendJSON(map[string]any{
		"op": opHello, "s": nil, "t": nil,
		"d": map[string]any{"heartbeat_interval": f.cfg.heartbeat.Milliseconds()},
	})
	f.readLoop(c)
}

func (f *Fake) readLoop(c *gwConn) {
	defer func() {
		c.drop()
		f.mu.Lock()
		delete(f.conns, c)
		if c.session != nil && c.session.conn == c {
			c.session.conn = nil
		}
		f.notifyLocked()
		f.mu.Unlock()
	}()
	c.ws.SetReadLimit(1 << 20)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if len(data) > maxClientPayload {
			c.closeWith(closeDecodeError, "Decode error.")
			return
		}
		var fr frame
		if err := json.Unmarshal(data, &fr); err != nil {
			c.closeWith(closeDecodeError, "Decode error.")
			return
		}
		if !f.handleFrame(c, fr) {
			// Let the writer send the close frame that handleFrame queued.
			select {
			case <-c.done:
			case <-time.After(time.Second):
			}
			return
		}
	}
}

// handleFrame answers one client payload; false ends the connection.
func (f *Fake) handleFrame(c *gwConn, fr frame) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.notifyLocked()
	switch fr.Op {
	case opHeartbeat:
		f.heartbeats++
		c.sendJSON(map[string]any{"op": opHeartbeatAck, "d": nil, "s": nil, "t": nil})
		return true
	case opIdentify:
		return f.identifyLocked(c, fr.Data)
	case opResume:
		return f.resumeLocked(c, fr.Data)
	}
	if c.session == nil {
		c.closeWith(closeNotAuthenticated, "Not authenticated.")
		return false
	}
	switch fr.Op {
	case opPresenceUpdate:
		f.presences = append(f.presences, append(json.RawMessage{}, fr.Data...))
		return true
	case opVoiceState, opRequestMembers:
		return true
	}
	c.closeWith(closeUnknownOpcode, "Unknown opcode.")
	return false
}

func (f *Fake) tokenOK(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == f.cfg.token
}

func (f *Fake) identifyLocked(c *gwConn, data json.RawMessage) bool {
	if c.session != nil {
		c.closeWith(closeAlreadyAuthed, "Already authenticated.")
		return false
	}
	var id struct {
		Token          string                       `json:"token"`
		Properties     discordgo.IdentifyProperties `json:"properties"`
		Compress       bool                         `json:"compress"`
		LargeThreshold int                          `json:"large_threshold"`
		Shard          *[2]int                      `json:"shard"`
		Presence       json.RawMessage              `json:"presence"`
		Intents        *discordgo.Intent            `json:"intents"`
	}
	if err := json.Unmarshal(data, &id); err != nil {
		c.closeWith(closeDecodeError, "Decode error.")
		return false
	}
	if id.Intents == nil {
		// Gateway v8 and later require intents.
		c.closeWith(closeDecodeError, "Decode error.")
		return false
	}
	f.identifies = append(f.identifies, Identify{
		Intents: *id.Intents, Shard: id.Shard, Properties: id.Properties,
		Compress: id.Compress, LargeThreshold: id.LargeThreshold, Presence: id.Presence,
	})
	if !f.tokenOK(id.Token) {
		c.closeWith(closeAuthFailed, "Authentication failed.")
		return false
	}
	s := &gwSession{id: randomHex(16), shard: [2]int{0, 1}, intents: *id.Intents, version: c.version}
	if id.Shard != nil {
		s.shard, s.sharded = *id.Shard, true
		if s.shard[1] < 1 || s.shard[0] < 0 || s.shard[0] >= s.shard[1] {
			c.closeWith(closeInvalidShard, "Invalid shard.")
			return false
		}
	}
	if *id.Intents&privilegedIntents&^f.cfg.privileged != 0 {
		c.closeWith(closeDisallowedIntent, "Disallowed intent(s).")
		return false
	}
	f.sessions[s.id] = s
	s.conn = c
	c.session = s

	var guilds []any
	var inShard []*guildState
	for _, gid := range f.guildOrder {
		if shardOf(gid, s.shard[1]) == s.shard[0] {
			guilds = append(guilds, map[string]any{"id": gid, "unavailable": true})
			inShard = append(inShard, f.guilds[gid])
		}
	}
	if guilds == nil {
		guilds = []any{}
	}
	me := userJSON(&f.bot)
	me["verified"] = true
	me["mfa_enabled"] = false
	me["flags"] = 0
	me["email"] = nil
	ready := map[string]any{
		"v":                       s.version,
		"user":                    me,
		"guilds":                  guilds,
		"session_id":              s.id,
		"session_type":            "normal",
		"resume_gateway_url":      f.GatewayURL(),
		"application":             map[string]any{"id": f.cfg.appID, "flags": f.cfg.appFlags},
		"private_channels":        []any{},
		"relationships":           []any{},
		"presences":               []any{},
		"guild_join_requests":     []any{},
		"geo_ordered_rtc_regions": []any{},
		"user_settings":           map[string]any{},
		"auth":                    map[string]any{},
		"_trace":                  []any{`["discordtest-gateway",{"micros":0}]`},
	}
	if s.sharded {
		ready["shard"] = s.shard
	}
	f.sendToSessionLocked(s, "READY", ready)
	c.ready = true
	if s.intents&discordgo.IntentGuilds != 0 {
		for _, gs := range inShard {
			f.sendToSessionLocked(s, "GUILD_CREATE", f.guildCreateLocked(gs, s.intents))
		}
	}
	return true
}

func (f *Fake) resumeLocked(c *gwConn, data json.RawMessage) bool {
	if c.session != nil {
		c.closeWith(closeAlreadyAuthed, "Already authenticated.")
		return false
	}
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		c.closeWith(closeDecodeError, "Decode error.")
		return false
	}
	if !f.tokenOK(p.Token) {
		f.resumes = append(f.resumes, Resume{SessionID: p.SessionID, Seq: p.Seq})
		c.closeWith(closeAuthFailed, "Authentication failed.")
		return false
	}
	s := f.sessions[p.SessionID]
	if s == nil || p.Seq > s.seq || (len(s.buffer) > 0 && *s.buffer[0].Seq > p.Seq+1) {
		f.resumes = append(f.resumes, Resume{SessionID: p.SessionID, Seq: p.Seq})
		// d false: the session cannot be resumed; the client must IDENTIFY.
		c.sendJSON(map[string]any{"op": opInvalidSession, "d": false, "s": nil, "t": nil})
		return true
	}
	if old := s.conn; old != nil && old != c {
		old.session = nil
		old.drop()
	}
	s.conn = c
	c.session = s
	n := 0
	for _, fr := range s.buffer {
		if *fr.Seq > p.Seq {
			c.sendJSON(fr)
			n++
		}
	}
	f.resumes = append(f.resumes, Resume{SessionID: p.SessionID, Seq: p.Seq, Replayed: n, OK: true})
	f.sendToSessionLocked(s, "RESUMED", map[string]any{"_trace": []any{`["discordtest-gateway"]`}})
	c.ready = true
	return true
}

// shardOf is the shard that receives a guild's events.
func shardOf(guildID string, shards int) int {
	if shards <= 1 || guildID == "" {
		return 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(shards))
}

// sendToSessionLocked numbers a dispatch, keeps it for RESUME and sends it
// if the session is connected.
func (f *Fake) sendToSessionLocked(s *gwSession, typ string, payload any) {
	data, err := json.Marshal(payload)
	if err != nil {
		panic("discordtest: marshal " + typ + ": " + err.Error())
	}
	s.seq++
	seq, t := s.seq, typ
	fr := frame{Op: opDispatch, Data: data, Seq: &seq, Type: &t}
	s.buffer = append(s.buffer, fr)
	if len(s.buffer) > resumeBuffer {
		s.buffer = s.buffer[len(s.buffer)-resumeBuffer:]
	}
	delivered := s.conn != nil
	if delivered {
		s.conn.sendJSON(fr)
	}
	f.events = append(f.events, Event{SessionID: s.id, Seq: seq, Type: typ, Data: data, Delivered: delivered})
}

// dispatchLocked sends an event to every session whose shard holds the guild
// ("" for DMs, which go to shard 0) and which asked for the intent (0 for
// events every session gets). payload builds the data per session, so it can
// depend on the session's intents; a nil payload skips the session.
func (f *Fake) dispatchLocked(typ, guildID string, intent discordgo.Intent, payload func(*gwSession) any) int {
	n := 0
	for _, id := range sortedKeys(f.sessions) {
		s := f.sessions[id]
		if shardOf(guildID, s.shard[1]) != s.shard[0] {
			continue
		}
		if intent != 0 && s.intents&intent == 0 {
			continue
		}
		p := payload(s)
		if p == nil {
			continue
		}
		f.sendToSessionLocked(s, typ, p)
		if s.conn != nil {
			n++
		}
	}
	f.notifyLocked()
	return n
}

// DropGateway cuts every gateway connection without a close frame, as a
// network failure would. Sessions stay resumable: events dispatched while
// they are down are replayed when the client sends RESUME.
func (f *Fake) DropGateway() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		if c.session != nil && c.session.conn == c {
			c.session.conn = nil
		}
		c.drop()
	}
	f.notifyLocked()
}

// RequestReconnect sends op 7 RECONNECT on every connection, as Discord does
// before moving a session; the client should reconnect and resume.
func (f *Fake) RequestReconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.sendJSON(map[string]any{"op": opReconnect, "d": nil, "s": nil, "t": nil})
	}
}

// InvalidateSessions forgets every session, so a later RESUME gets
// INVALID_SESSION (op 9, d false) and the client must IDENTIFY again.
func (f *Fake) InvalidateSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, s := range f.sessions {
		if s.conn != nil {
			s.conn.session = nil
			s.conn.ready = false
			s.conn.sendJSON(map[string]any{"op": opInvalidSession, "d": false, "s": nil, "t": nil})
		}
		delete(f.sessions, id)
	}
	f.notifyLocked()
}

// Connected reports whether a gateway connection has been sent READY or
// RESUMED and is still open.
func (f *Fake) Connected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		if c.ready && c.session != nil && c.session.conn == c {
			return true
		}
	}
	return false
}

// WaitConnected waits until Connected is true.
func (f *Fake) WaitConnected(ctx context.Context) error {
	return f.WaitFor(ctx, f.Connected)
}

// Identifies returns the IDENTIFY payloads received: the intents, shard and
// properties the client sent.
func (f *Fake) Identifies() []Identify {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Identify(nil), f.identifies...)
}

// Resumes returns the RESUME payloads received and how they were answered.
func (f *Fake) Resumes() []Resume {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Resume(nil), f.resumes...)
}

// Events returns every dispatch sent or buffered, in order.
func (f *Fake) Events() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Event(nil), f.events...)
}

// Heartbeats returns how many heartbeats (op 1) the fake has answered.
func (f *Fake) Heartbeats() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.heartbeats
}

// PresenceUpdates returns the data of every PRESENCE_UPDATE (op 3) received.
func (f *Fake) PresenceUpdates() []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]json.RawMessage(nil), f.presences...)
}
