package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

func TestConnectPicksTheClient(t *testing.T) {
	redistest.Client(t) // skips, or fails in CI, without a single server
	redistest.Cluster(t)
	seeds := redistest.ClusterAddrs()
	tests := []struct {
		name, url   string
		wantCluster bool
	}{
		{"one server", redistest.URL(), false},
		{"cluster, host list", "redis://" + strings.Join(seeds, ","), true},
		{"cluster, addr parameters", "redis://" + seeds[0] + "?addr=" + strings.Join(seeds[1:], "&addr="), true},
		{"cluster, one seed that says it is a cluster", "redis://" + seeds[0], true},
		{"cluster, options kept", "redis://" + strings.Join(seeds, ",") + "?dial_timeout=2s&pool_size=7", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rdb, err := Connect(ctx, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = rdb.Close() })
			c, isCluster := rdb.(*redis.ClusterClient)
			if isCluster != tt.wantCluster {
				t.Fatalf("got a %T, want cluster %v", rdb, tt.wantCluster)
			}
			if isCluster && strings.Contains(tt.url, "pool_size") && c.Options().PoolSize != 7 {
				t.Errorf("pool_size not applied: %d", c.Options().PoolSize)
			}
			// A step works through whatever client came back.
			st := New(rdb, Options{Prefix: redistest.Prefix(t)})
			if err := st.Update(ctx, "c", "e", step("c", "e")); err != nil {
				t.Fatal(err)
			}
			if err := st.Delete(ctx, "c"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestConnectErrorsNeverRepeatThePassword(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"unparsable", "redis://user:hunter2@[bad", "not a valid"},
		{"unknown scheme", "http://user:hunter2@127.0.0.1:6379", "scheme"},
		{"unknown option", "redis://user:hunter2@127.0.0.1:6379?bogus=1", "bogus"},
		{"sentinel without master", "redis-sentinel://user:hunter2@127.0.0.1:1", "master_name"},
		{"sentinel down", "redis-sentinel://user:hunter2@127.0.0.1:1,127.0.0.1:2?master_name=m&password=hunter2&dial_timeout=200ms&max_retries=-1", "127.0.0.1:1"},
		{"cluster with a database", "redis://user:hunter2@127.0.0.1:1,127.0.0.1:2/3", "database 0"},
		{"cluster down", "redis://user:hunter2@127.0.0.1:1,127.0.0.1:2?dial_timeout=200ms&max_retries=-1", "127.0.0.1:1,127.0.0.1:2"},
		{"server down", "redis://user:hunter2@127.0.0.1:1?dial_timeout=200ms&max_retries=-1", "127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rdb, err := Connect(ctx, tt.url)
			if err == nil {
				_ = rdb.Close()
				t.Fatal("connected")
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error repeats the password: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestParseRedisURLForms(t *testing.T) {
	tests := []struct {
		url, want    string
		wantSentinel bool
	}{
		{"redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/2", false},
		{"rediss://u:p@h:6380", "rediss://u:p@h:6380", false},
		{"redis://u:p@a:1,b:2,c:3/0?pool_size=5", "redis://u:p@a:1/0?addr=b%3A2&addr=c%3A3&pool_size=5", false},
		{"redis-sentinel://:p@s1:26379,s2:26379?master_name=m", "redis://:p@s1:26379?addr=s2%3A26379&master_name=m", true},
		{"rediss-sentinel://s1:26379?master_name=m", "rediss://s1:26379?master_name=m", true},
		{"redis://u:p%2Cq%40@a:1,b:2", "redis://u:p,q%40@a:1?addr=b%3A2", false},
	}
	for _, tt := range tests {
		u, sentinel, err := parseRedisURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if u.String() != tt.want || sentinel != tt.wantSentinel {
			t.Errorf("%s: got %s sentinel %v, want %s sentinel %v", tt.url, u, sentinel, tt.want, tt.wantSentinel)
		}
	}
}

func TestConnectTLS(t *testing.T) {
	rdb, _, err := newClient(context.Background(), "rediss://127.0.0.1:1?dial_timeout=100ms&max_retries=-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	c, ok := rdb.(*redis.Client)
	if !ok || c.Options().TLSConfig == nil {
		t.Fatalf("rediss:// gave %T without TLS", rdb)
	}
}
