package ops

import (
	"context"
	"errors"
	"net"

	"github.com/redis/go-redis/v9"
)

// RedisHook returns a go-redis hook that counts failed commands in m's Redis error counter. Add it where the
// client is built: rdb.AddHook(metrics.RedisHook()). What is not a failure is not counted: a missing key
// (redis.Nil), a WATCH transaction that lost its race (redis.TxFailedErr, retried by the caller), NOSCRIPT,
// which go-redis answers by loading the script, a caller that gave up (context.Canceled), and the replies to the
// commands go-redis sends to set up a connection.
func (m *Metrics) RedisHook() redis.Hook { return redisHook{m} }

type redisHook struct{ m *Metrics }

var _ redis.Hook = redisHook{}

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		// Not counted here: a failed dial fails the command that needed the connection, which is counted.
		return next(ctx, network, addr)
	}
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if !connectionSetup(cmd) {
			h.count(err)
		}
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if !connectionSetup(cmd) {
				h.count(err)
				break
			}
		}
		return err
	}
}

// connectionSetup reports whether cmd is one go-redis sends while setting up a connection. Their error replies
// are expected from some servers (CLIENT SETINFO before Redis 7.2, HELLO before 6) and handled by go-redis; a
// setup that really fails (a wrong password) fails the command that asked for the connection, which is counted.
func connectionSetup(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth":
		return true
	}
	return false
}

func (h redisHook) count(err error) {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, redis.TxFailedErr) ||
		redis.HasErrorPrefix(err, "NOSCRIPT") || errors.Is(err, context.Canceled) {
		return
	}
	h.m.RedisError(err)
}
