// Package redistest gives tests a real Redis connection and a key prefix of their own.
//
// Tests talk to the redis-server at FULCRUM_TEST_REDIS_URL (default redis://127.0.0.1:6379/0), and tests that
// must also hold on Redis Cluster to the cluster whose seed addresses FULCRUM_TEST_REDIS_CLUSTER lists
// (comma-separated; .ci/run starts one on 127.0.0.1:7000-7002). When either does not answer, the test is
// skipped on a developer's machine, and fails when CI is set: CI must never pass by skipping the tests that
// matter.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
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

// ClusterAddrs are the seed addresses of the test cluster, from FULCRUM_TEST_REDIS_CLUSTER; none when unset.
func ClusterAddrs() []string {
	v := os.Getenv("FULCRUM_TEST_REDIS_CLUSTER")
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// Cluster connects to the test Redis Cluster and returns a client and a key prefix unique to this test; every
// key under the prefix, on every master, is deleted when the test ends.
func Cluster(t testing.TB) (*redis.ClusterClient, string) {
	t.Helper()
	addrs := ClusterAddrs()
	if len(addrs) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("FULCRUM_TEST_REDIS_CLUSTER is not set and CI is set (.ci/run starts the test cluster)")
		}
		t.Skip("no Redis Cluster: set FULCRUM_TEST_REDIS_CLUSTER=127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002")
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clusterReady(ctx, rdb); err != nil {
		_ = rdb.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("redis cluster at %s is not ready and CI is set: %v", strings.Join(addrs, ","), err)
		}
		t.Skipf("redis cluster at %s is not ready: %v", strings.Join(addrs, ","), err)
	}
	prefix := Prefix(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = rdb.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			iter := node.Scan(ctx, 0, prefix+"*", 500).Iterator()
			for iter.Next(ctx) {
				node.Del(ctx, iter.Val())
			}
			return iter.Err()
		})
		_ = rdb.Close()
	})
	return rdb, prefix
}

// clusterReady checks that the cluster answers and serves every slot.
func clusterReady(ctx context.Context, rdb *redis.ClusterClient) error {
	if err := rdb.Ping(ctx).Err(); err != nil {
		return err
	}
	info, err := rdb.ClusterInfo(ctx).Result()
	if err != nil {
		return err
	}
	if !strings.Contains(info, "cluster_state:ok") {
		return errors.New("cluster_state is not ok")
	}
	return nil
}
