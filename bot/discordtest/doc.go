// Package discordtest runs a fake Discord for tests: the REST API and the
// gateway websocket on 127.0.0.1, spoken to by the real discordgo client, in
// the way net/http/httptest runs a real HTTP server.
//
// A test seeds the state Discord would hold (the bot user and application,
// guilds, channels, roles, members, users whose DMs are closed), points a
// discordgo.Session at the fake, injects what people do (DMs, slash commands,
// button clicks, modal submits) and then inspects what the bot did: messages
// as they now stand, every REST call, interaction acknowledgements, who a
// message would ping.
//
//	fake := discordtest.New(t)
//	guild := fake.AddGuild(&discordgo.Guild{Name: "Clinic"})
//	s, _ := discordgo.New("Bot " + fake.Token())
//	rt, _ := bot.NewAPITransport(fake.URL(), nil)
//	s.Client = &http.Client{Transport: rt}
//	_ = s.Open()
//	id := fake.SendDM(userID, "hello")
//
// The fake answers with Discord's JSON shapes (snowflakes and permission sets
// as strings), enforces the rules a bot most often trips over (the 3-second
// interaction window, one acknowledgement per interaction, message and
// component limits, DMs that are closed, gateway intents, resuming by
// sequence number) and can inject faults: error statuses and rate limits
// with the headers discordgo reads.
//
// Methods that inject events or seed state may call t.Fatal, so call them
// from the test's goroutine. Everything else is safe for concurrent use.
package discordtest
