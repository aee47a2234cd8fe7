// Package store keeps fulcrum's state in Redis. It implements the interfaces that package flows declares.
//
// # Key schema
//
// Every key starts with a prefix (default "fulcrum") so one Redis can serve several bots or tests. Keys that
// belong to one session carry the session id as a hash tag, {…}, so that a session's keys always share one
// Redis Cluster slot and a step can touch them in one atomic script.
//
//	<prefix>:s:{<session id>}   hash   v = version (decimal), d = the flows.Session as JSON
//	                                   TTL: the session TTL (FULCRUM_SESSION_TTL, default 7 days), renewed on
//	                                   every step, so an inactive session expires on its own.
//
// Session ids are chosen by the adapters: "console:<name>" for the terminal, "discord:<user id>" for Discord.
//
// The Discord adapter adds:
//
//	<prefix>:d:{<session id>}   hash   what the bot needs between events for one member: c = the community
//	                                   (server id) the handoff is for, m = where the intake runs ("dm" or
//	                                   "ephemeral"), pc / pm = channel and message id of the last question
//	                                   with buttons, p = how to redraw that question's buttons (JSON),
//	                                   a = "1" once the moderators were alerted to a crisis in this intake.
//	                                   TTL: the session TTL, renewed on every write.
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
//	<prefix>:g:<server id>      hash   a server's settings from /fulcrum-setup. Operator configuration: no TTL.
//	<prefix>:guilds             set    the ids of servers that are set up. Operator configuration: no TTL.
//
// The outbox and the handoffs share the {handoffs} hash tag so that enqueuing is one atomic transaction on Redis
// Cluster too. Every key has a TTL except operator configuration.
package store

// DefaultPrefix starts every key when no other prefix is configured.
const DefaultPrefix = "fulcrum"

func sessionKey(prefix, id string) string { return prefix + ":s:{" + id + "}" }

func memberKey(prefix, id string) string { return prefix + ":d:{" + id + "}" }

func memberHandoffsKey(prefix, id string) string { return prefix + ":dh:{" + id + "}" }

func handoffKey(prefix, ref string) string { return prefix + ":{handoffs}:h:" + ref }

func outboxKey(prefix string) string { return prefix + ":{handoffs}:queue" }

func guildKey(prefix, id string) string { return prefix + ":g:" + id }

func guildsKey(prefix string) string { return prefix + ":guilds" }
