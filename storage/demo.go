package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
)

// SeedDemo stores the demo data set: villages (those that exist are kept), an
// open survey and its responses. It returns the survey's id.
func SeedDemo(ctx context.Context, db *DB, demo survey.Demo, now time.Time) (string, error) {
	villages := NewVillages(db)
	for _, v := range demo.Villages {
		if err := villages.Create(ctx, v); err != nil && !errors.Is(err, survey.ErrConflict) {
			return "", err
		}
	}
	if err := demo.Survey.Check(); err != nil {
		return "", fmt.Errorf("demoenkäten: %w", err)
	}
	sv := &survey.Survey{Status: survey.Draft, CreatedBy: "demo", Created: now.UTC()}
	if err := sv.Apply(demo.Survey); err != nil {
		return "", err
	}
	if err := sv.Open(now); err != nil {
		return "", err
	}
	if err := NewSurveys(db).Create(ctx, sv); err != nil {
		return "", err
	}
	subs := make([]Submission, 0, len(demo.Responses))
	for i, dr := range demo.Responses {
		r := &survey.Response{ID: NewID(), Survey: sv.ID, Village: dr.Village, Channel: survey.ChannelWeb,
			Answers: dr.Answers, Submitted: now.Add(time.Duration(i-len(demo.Responses)) * time.Minute).UTC()}
		subs = append(subs, Submission{Survey: sv, Response: r})
	}
	responses := NewResponses(db)
	for len(subs) > 0 {
		n := min(len(subs), 100)
		if _, err := responses.Add(ctx, subs[:n]); err != nil {
			return "", err
		}
		subs = subs[n:]
	}
	return sv.ID, nil
}
