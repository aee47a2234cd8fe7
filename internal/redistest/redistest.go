// Package redistest gives tests a real Redis connection and a key prefix of their own.
//
// Tests talk to the redis-server at FULCRUM_TEST_REDIS_URL (default redis://127.0.0.1:6379/0). When none
// answers, the test is skipped on a developer's machine, and fails when CI is set: CI must never pass by
// skipping the tests that matter.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// URL is the Redis the tests use.
func URL() string {
	if u := os.Getenv("FULCRUM_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Client connects to the test Redis and returns a client and a key prefix unique to this test; every key
// under the prefix is deleted when the test ends.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("FULCRUM_TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("redis at %s does not answer and CI is set: %v", opt.Addr, err)
		}
		t.Skipf("redis at %s does not answer (start redis-server, or set FULCRUM_TEST_REDIS_URL): %v", opt.Addr, err)
	}
	prefix := Prefix(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		_ = rdb.Close()
	})
	return rdb, prefix
}

// Prefix returns a key prefix unique to this test run.
func Prefix(t testing.TB) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := strings.NewReplacer("/", "-", " ", "_", "{", "", "}", "", ":", "").Replace(t.Name())
	return "fulcrumtest-" + name + "-" + hex.EncodeToString(b)
}
