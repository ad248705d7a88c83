package handlers

import (
	"hash/maphash"
	"sync"
	"time"
)

// submitLimiter counts responses per survey and client address in fixed
// one-minute windows, in this process's memory only: a submission costs no
// database round trip, and nothing derived from a resident's address is
// written anywhere. Several instances each count their own, so behind a load
// balancer an address may send up to the limit to every instance.
//
// Why a sharded fixed-size map rather than golang.org/x/time/rate: a
// rate.Limiter per address still needs a map of limiters that forgets
// addresses, which is this type anyway; fixed windows keep the documented
// meaning ("120 a minute") and a Retry-After that is the rest of the minute,
// and a counter is a few bytes where a rate.Limiter is about a hundred.
//
// Memory is bounded: a shard holds at most limiterPerShard keys, forgets all
// of them when its minute ends and, when full within a minute (many
// addresses at once), evicts one key at random to make room. Eviction only
// ever lets a request through that would have been counted: under a flood of
// addresses the limit loosens, memory does not grow.
type submitLimiter struct {
	seed   maphash.Seed
	shards [limiterShards]limiterShard
}

// limiterShards spreads the lock so that concurrent submissions to different
// surveys or from different addresses seldom wait for each other.
const limiterShards = 64

// limiterPerShard bounds the keys of one shard: 64 × 2,048 = 131,072 distinct
// survey and address pairs a minute, a few MiB at most.
const limiterPerShard = 2048

type limiterShard struct {
	mu     sync.Mutex
	minute int64
	counts map[uint64]int
}

func newSubmitLimiter() *submitLimiter {
	l := &submitLimiter{seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].counts = make(map[uint64]int)
	}
	return l
}

// allow counts one submission from addr to surveyID at now and reports
// whether it is within limit a minute; a refused one is not counted. It
// returns how many the minute has seen, this one included.
func (l *submitLimiter) allow(surveyID, addr string, limit int, now time.Time) (int, bool) {
	var h maphash.Hash
	h.SetSeed(l.seed) // per process: the keys mean nothing outside it
	h.WriteString(surveyID)
	h.WriteByte(0)
	h.WriteString(addr)
	key := h.Sum64()
	sh := &l.shards[key%limiterShards]
	minute := now.Unix() / 60
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.minute != minute {
		clear(sh.counts)
		sh.minute = minute
	}
	n, seen := sh.counts[key]
	if n >= limit {
		return n + 1, false
	}
	if !seen && len(sh.counts) >= limiterPerShard {
		for k := range sh.counts { // map order is random: a random victim
			delete(sh.counts, k)
			break
		}
	}
	sh.counts[key] = n + 1
	return n + 1, true
}
