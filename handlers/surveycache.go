package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/forankra/forankra/survey"
)

// surveyTTL is how long the submit path trusts a survey it read. Reading the
// survey document is a large part of a submission's cost on FerretDB; a
// status change made on another instance reaches this one within surveyTTL
// (a change made here is seen at once).
const surveyTTL = time.Second

// surveyCache keeps recently read surveys for the submit path, and the last
// copy of each for the phone page to fall back on while the database is away.
type surveyCache struct {
	mu sync.Mutex
	m  map[string]cachedSurvey
}

type cachedSurvey struct {
	sv   *survey.Survey
	read time.Time
}

// get returns the survey, from the cache when it is fresh. Callers must not
// change it.
func (c *surveyCache) get(cx context.Context, s *server, id string) (*survey.Survey, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && now.Sub(e.read) < surveyTTL {
		return e.sv, nil
	}
	sv, err := s.surveys.Get(cx, id)
	if err != nil {
		return nil, err
	}
	c.put(sv, now)
	return sv, nil
}

func (c *surveyCache) put(sv *survey.Survey, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedSurvey{}
	}
	if len(c.m) > 10000 {
		clear(c.m) // bounded: a municipality has far fewer open surveys
	}
	c.m[sv.ID] = cachedSurvey{sv: sv, read: read}
}

// last returns the last copy read of the survey, however old.
func (c *surveyCache) last(id string) (*survey.Survey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	return e.sv, ok
}

// forget drops a survey that this instance changed.
func (c *surveyCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
