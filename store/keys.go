// Package store keeps fulcrum's state in Redis. It implements the interfaces that package flows declares.
//
// # Key schema
//
// Every key starts with a prefix (default "fulcrum") so one Redis can serve several bots or tests. Keys that
// belong to one session carry the session id as a hash tag, {…}, so that a session's keys always share one
// Redis Cluster slot and a step can touch them in one atomic script.
//
//	<prefix>:s:{<session id>}   hash   v = version (decimal, 1 for a new session), i = incarnation (a random
//	                                   token set when the key is created, so that a session deleted and
//	                                   started again is never taken for the one before: sessions written before
//	                                   it existed get one at their next step), d = the flows.Session as JSON.
//	                                   TTL: the session TTL (FULCRUM_SESSION_TTL, default 7 days), renewed by
//	                                   a step once a hundredth of it has passed since this process last renewed
//	                                   it, so an inactive session expires on its own. A step is one
//	                                   compare-and-set script on v and i (store/redis.go); a process remembers
//	                                   the sessions it stepped last so that it need not load them first.
//	                                   When an intake ends (cancel, decline, the end of a flow) the hash becomes
//	                                   a tombstone: d goes, e = the event ids it applied (JSON array of Discord
//	                                   message or interaction ids, nothing the member wrote), TTL EndedTTL (15
//	                                   minutes), so that a late copy of one is refused; a new intake started
//	                                   over it carries the ids on. /privacy forget deletes it at once.
//
// Session ids are chosen by the adapters: "console:<name>" for the terminal, "discord:<user id>" for Discord.
//
// The Discord adapter adds:
//
//	<prefix>:d:{<session id>}   hash   what the bot needs between events for one member: c = the community
//	                                   (server id) the handoff is for, m = where the intake runs ("dm" or
//	                                   "ephemeral"), pc / pm = channel and message id of the last question
//	                                   with buttons, p = how to redraw that question's buttons (JSON),
//	                                   a = "1" once the moderators were alerted to a crisis in this intake
//	                                   (no longer written: the engine's Reply.Alert says so), pa = a crisis alert
//	                                   raised before the member chose their community (JSON: kinds, region).
//	                                   TTL: the session TTL, renewed on every write.
//	<prefix>:mg:{<session id>}  string which set-up servers Discord last said the member belongs to (JSON:
//	                                   g = the set-up server ids asked about, m = those the member is in), so
//	                                   that a member not yet tied to a community is not looked up on every DM.
//	                                   TTL: bot.Options.MembershipTTL (default 10 minutes), so that a member who
//	                                   left a server stops being routed there; deleted on forget.
//	<prefix>:dh:{<session id>}  set    the references of the member's handoffs, so that /privacy forget finds
//	                                   them. TTL: the longest retention of a handoff added to it.
//	<prefix>:{handoffs}:h:<ref> hash   one handoff: g = server id, u = member's user id, sid = session id,
//	                                   urg = "1" when urgent, card = the rendered card (JSON), t = created (unix
//	                                   ms), n = failed posting attempts, err = the last posting error (a Discord
//	                                   error code, never the member's words), ch / msg = where it was posted.
//	                                   TTL: the server's retention (retention_days, default 30 days).
//	<prefix>:{handoffs}:queue   zset   the outbox: references of handoffs not yet posted, scored by the unix ms
//	                                   of the next attempt. A reference leaves only once its card is posted or
//	                                   the member asks to forget it. TTL: 30 days, renewed on every change, so
//	                                   it outlives any pending entry (attempts renew it every few minutes).
//	                                   Moderation adds: kind = "alert" for a crisis alert (else an intake),
//	                                   an = "1" when the member is anonymous to moderators, st = "" (open),
//	                                   "claimed" or "resolved", cb / ct = who claimed it and when (unix ms),
//	                                   rb / rt / out = who resolved it, when, and the outcome id, th = the relay
//	                                   thread's id, rp = when the urgent role was pinged again (unix ms).
//	<prefix>:{handoffs}:n:<ref> list   moderators' notes on a handoff, oldest first, each JSON {by, t, text}.
//	                                   TTL: the handoff's own remaining TTL.
//	<prefix>:{handoffs}:open:<server id>
//	                            zset   the server's handoffs not yet resolved, scored by created (unix ms), for
//	                                   /handoffs queue. An entry leaves on resolve or forget; one whose handoff
//	                                   expired is dropped when read. TTL: the longest retention of an entry.
//	<prefix>:{handoffs}:remind  zset   unclaimed urgent handoffs, scored by when the urgent role is pinged again
//	                                   (unix ms). TTL: 30 days, renewed on every change.
//	<prefix>:{handoffs}:t:<thread id>
//	                            string the reference of the handoff a relay thread belongs to. TTL: retention.
//	<prefix>:{handoffs}:rm:<ref>
//	                            list   "<channel id>/<message id>" of the bot's relay messages holding what the
//	                                   member wrote, deleted from Discord on forget. TTL: retention.
//	<prefix>:dr:{<session id>}  string the reference of the member's open relay: their DMs go to its thread.
//	                                   TTL: the server's retention; deleted on resolve and forget.
//	<prefix>:b:{<server id>}:<user id>
//	                            hash   a member blocked from the intake: by, t (unix ms), ref. TTL: the server's
//	                                   retention (a block lapses with the handoffs it was about).
//	<prefix>:audit:{<server id>} list  the server's audit log, newest first, at most 500 JSON entries {t, by,
//	                                   action, ref, detail}; never what a member wrote. TTL: the server's
//	                                   retention, renewed on every entry.
//	rate:<prefix>:rl:m:{<server id>}:<user id>
//	                            hash   go-redis/redis_rate's count of a member's events in a server (server id
//	                                   empty for a DM not yet tied to one): store.Limiter. The library puts
//	                                   "rate:" before every key it is given. TTL: set by the library, at most
//	                                   the limit's period.
//	rate:<prefix>:rl:s:{<server id>}
//	                            hash   the same for all of a server's members together. TTL: as above.
//	rate:<prefix>:rl:mod:{<server id>}:<user id>
//	                            hash   the same for one person's moderation actions in a server (card buttons,
//	                                   /handoffs, /fulcrum-setup), not counted against the server's. TTL: as
//	                                   above.
//	<prefix>:rl:n:{<server id>}:<user id>
//	<prefix>:rl:nm:{<server id>}:<user id>
//	                            string "1" once a member (n) or a moderator (nm) over a limit was sent the one
//	                                   notice of the window. TTL: the limit's period (default a minute).
//	<prefix>:g:<server id>      hash   a server's settings from /fulcrum-setup. Operator configuration: no TTL.
//	<prefix>:guilds             set    the ids of servers that are set up. Operator configuration: no TTL.
//
// The outbox, the handoffs and everything kept per handoff share the {handoffs} hash tag so that enqueuing,
// claiming and resolving are each one atomic script or transaction on Redis Cluster too. Every key has a TTL except operator configuration.
//
// # Encryption at rest
//
// With Options.Keys (FULCRUM_ENCRYPTION_KEY, read by ParseKeys), these values are sealed with AES-256-GCM
// (store/sealer.go): a session's d, a handoff's card, each entry of a handoff's notes, and the member hash's p
// and pa. A sealed value reads "enc1:<key id>:<base64 of nonce and ciphertext>"; a value without that prefix was
// written in the clear (before keys were set) and still loads. Rotation: put the new key first and keep the old
// ones after it; new writes use the first, old values open with the key their id names, and every session is
// sealed again with the current key at its next step. Everything else is ids, times, states and counters:
// references, Discord ids, outcome ids, the relay's "<channel id>/<message id>" (the relayed text itself lives
// only on Discord), audit entries (never what a member or a note says) and server settings.
package store

// DefaultPrefix starts every key when no other prefix is configured.
const DefaultPrefix = "fulcrum"

func sessionKey(prefix, id string) string { return prefix + ":s:{" + id + "}" }

func memberKey(prefix, id string) string { return prefix + ":d:{" + id + "}" }

func membershipsKey(prefix, id string) string { return prefix + ":mg:{" + id + "}" }

func memberHandoffsKey(prefix, id string) string { return prefix + ":dh:{" + id + "}" }

func handoffKey(prefix, ref string) string { return prefix + ":{handoffs}:h:" + ref }

func outboxKey(prefix string) string { return prefix + ":{handoffs}:queue" }

func notesKey(prefix, ref string) string { return prefix + ":{handoffs}:n:" + ref }

func openKey(prefix, guildID string) string { return prefix + ":{handoffs}:open:" + guildID }

func remindKey(prefix string) string { return prefix + ":{handoffs}:remind" }

func threadKey(prefix, threadID string) string { return prefix + ":{handoffs}:t:" + threadID }

func relayMessagesKey(prefix, ref string) string { return prefix + ":{handoffs}:rm:" + ref }

func memberRelayKey(prefix, id string) string { return prefix + ":dr:{" + id + "}" }

func blockKey(prefix, guildID, userID string) string {
	return prefix + ":b:{" + guildID + "}:" + userID
}

func auditKey(prefix, guildID string) string { return prefix + ":audit:{" + guildID + "}" }

// limitMemberKey and limitServerKey are given to redis_rate, which puts "rate:" in front of them.
func limitMemberKey(prefix, guildID, userID string) string {
	return prefix + ":rl:m:{" + guildID + "}:" + userID
}

func limitServerKey(prefix, guildID string) string { return prefix + ":rl:s:{" + guildID + "}" }

func limitModeratorKey(prefix, guildID, userID string) string {
	return prefix + ":rl:mod:{" + guildID + "}:" + userID
}

func limitModeratorNoticeKey(prefix, guildID, userID string) string {
	return prefix + ":rl:nm:{" + guildID + "}:" + userID
}

func limitNoticeKey(prefix, guildID, userID string) string {
	return prefix + ":rl:n:{" + guildID + "}:" + userID
}

func guildKey(prefix, id string) string { return prefix + ":g:" + id }

func guildsKey(prefix string) string { return prefix + ":guilds" }
