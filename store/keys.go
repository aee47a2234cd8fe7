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
// Every key has a TTL except operator configuration.
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
