// Package bot is the Discord adapter of fulcrum: it turns gateway events and
// interactions into flows.Input values and renders flows.Reply values back to
// Discord within Discord's limits.
//
// Tests drive it end to end against the fake Discord in package
// bot/discordtest, which the real discordgo client reaches through the
// transport built by NewAPITransport.
package bot
