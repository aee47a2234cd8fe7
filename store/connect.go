package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Connect opens a client for FULCRUM_REDIS_URL and checks that it answers. The URL takes one of these forms:
//
//	redis://[user:password@]host:port[/db][?option=value...]        one server
//	rediss://...                                                    the same over TLS
//	redis://[user:password@]h1:7000,h2:7001,h3:7002[?option=...]    Redis Cluster: several seed addresses, or
//	redis://[user:password@]h1:7000?addr=h2:7001&addr=h3:7002       one address and more in addr parameters
//	redis-sentinel://[user:password@]s1:26379,s2:26379[/db]?master_name=mymaster[&password=...]
//	redis://s1:26379?master_name=mymaster&addr=s2:26379              Sentinel: the addresses are the sentinels',
//	                                                                the user info authenticates to them, and the
//	                                                                username and password parameters to the
//	                                                                master; rediss-sentinel:// uses TLS
//
// A URL with one address is also treated as a cluster when that server says it runs in cluster mode, so a
// cluster's configuration endpoint works on its own. The options are go-redis's (dial_timeout, pool_size, ...).
// Errors never repeat the URL, which may hold a password.
func Connect(ctx context.Context, rawURL string) (redis.UniversalClient, error) {
	rdb, desc, err := newClient(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		// Unavailable, like every other failure to reach Redis, so that the caller can tell an outage (retry,
		// tell members to try again) from a bad URL (fix the configuration).
		return nil, fmt.Errorf("connect to redis at %s: %w: %w", desc, flows.ErrUnavailable, err)
	}
	return rdb, nil
}

// newClient builds the client a URL asks for, and a description of it without credentials for errors.
func newClient(ctx context.Context, rawURL string) (redis.UniversalClient, string, error) {
	u, sentinel, err := parseRedisURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	q := u.Query()
	addrs := append([]string{u.Host}, q["addr"]...)
	desc := strings.Join(addrs, ",")
	switch {
	case sentinel || q.Has("master_name"):
		opt, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, "", parseError(err, u)
		}
		if opt.MasterName == "" {
			return nil, "", errors.New("parse FULCRUM_REDIS_URL: Sentinel needs master_name=<name>")
		}
		return redis.NewFailoverClient(opt), "sentinel " + desc + " master " + opt.MasterName, nil
	case len(addrs) > 1:
		opt, err := clusterOptions(u)
		if err != nil {
			return nil, "", err
		}
		return redis.NewClusterClient(opt), "cluster " + desc, nil
	}
	opt, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, "", parseError(err, u)
	}
	rdb := redis.NewClient(opt)
	if !clusterEnabled(ctx, rdb) {
		return rdb, opt.Addr, nil
	}
	_ = rdb.Close()
	copt, err := clusterOptions(u)
	if err != nil {
		return nil, "", err
	}
	return redis.NewClusterClient(copt), "cluster " + desc, nil
}

// parseRedisURL reads the URL forms Connect accepts into the one go-redis parses, with every address but the
// first moved to addr parameters, and reports whether the scheme asked for Sentinel.
func parseRedisURL(rawURL string) (*url.URL, bool, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, false, errors.New("parse FULCRUM_REDIS_URL: not a redis://, rediss:// or redis-sentinel:// URL")
	}
	sentinel := false
	switch scheme {
	case "redis", "rediss":
	case "redis-sentinel", "rediss-sentinel":
		sentinel = true
		scheme = strings.TrimSuffix(scheme, "-sentinel")
	default:
		return nil, false, errors.New("parse FULCRUM_REDIS_URL: the scheme must be redis, rediss, redis-sentinel or rediss-sentinel")
	}
	// The host list ends at the first / or ? after the user info (which may itself hold either).
	at := strings.LastIndex(rest, "@")
	end := len(rest)
	if i := strings.IndexAny(rest[at+1:], "/?"); i >= 0 {
		end = at + 1 + i
	}
	hosts := strings.Split(rest[at+1:end], ",")
	u, err := url.Parse(scheme + "://" + rest[:at+1] + hosts[0] + rest[end:])
	if err != nil || u.Host == "" {
		// url.Parse's error repeats the URL, and the URL may hold a password: say what is wrong without it.
		return nil, false, errors.New("parse FULCRUM_REDIS_URL: not a valid redis:// or rediss:// URL")
	}
	if len(hosts) > 1 {
		q := u.Query()
		for _, h := range hosts[1:] {
			if h == "" {
				return nil, false, errors.New("parse FULCRUM_REDIS_URL: empty address in the host list")
			}
			q.Add("addr", h)
		}
		u.RawQuery = q.Encode()
	}
	return u, sentinel, nil
}

// clusterOptions reads a cluster URL. A cluster has only database 0, so any other is an error rather than a
// surprise.
func clusterOptions(u *url.URL) (*redis.ClusterOptions, error) {
	if p := strings.Trim(u.Path, "/"); p != "" && p != "0" {
		return nil, errors.New("parse FULCRUM_REDIS_URL: Redis Cluster has only database 0")
	}
	c := *u
	c.Path = ""
	opt, err := redis.ParseClusterURL(c.String())
	if err != nil {
		return nil, parseError(err, u)
	}
	return opt, nil
}

// clusterEnabled asks a server whether it runs in cluster mode. A server that cannot say (down, or without
// INFO) is taken as a single server; Connect's ping then tells what is wrong.
func clusterEnabled(ctx context.Context, rdb *redis.Client) bool {
	info, err := rdb.Info(ctx, "cluster").Result()
	return err == nil && strings.Contains(info, "cluster_enabled:1")
}

// parseError keeps go-redis's explanation of a bad URL (an unknown option, a bad number) unless it repeats a
// secret from the URL.
func parseError(err error, u *url.URL) error {
	msg := err.Error()
	secrets := []string{}
	if p, ok := u.User.Password(); ok && p != "" {
		secrets = append(secrets, p)
	}
	if p := u.Query().Get("password"); p != "" {
		secrets = append(secrets, p)
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			return errors.New("parse FULCRUM_REDIS_URL: not a valid redis:// or rediss:// URL")
		}
	}
	return fmt.Errorf("parse FULCRUM_REDIS_URL: %s", msg)
}
