package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// colMeta holds the service's own markers, one document each by _id.
const colMeta = "meta"

// demoMarkerID is the _id of the marker that says the demo was seeded.
const demoMarkerID = "demo"

// DemoResult says what SeedDemo found or stored.
type DemoResult struct {
	// Seeded is false when an earlier start had seeded the demo already:
	// nothing was added.
	Seeded bool
	// Survey is the demo survey's id.
	Survey string
	// Interrupted reports a marker of a seeding that never finished.
	Interrupted bool
}

type demoMarkerDoc struct {
	ID     string    `bson:"_id"`
	Survey string    `bson:"survey"`
	Done   bool      `bson:"done"`
	At     time.Time `bson:"at"`
}

// SeedDemo stores the demo data set once: villages (those that exist are
// kept), an open survey and its responses, one account for each role with
// password, and proposals with remiss rounds in every state. A marker
// document decides "once": it is inserted first, so two starts at the same
// moment cannot both seed, and a later start adds nothing.
func SeedDemo(ctx context.Context, db *DB, demo survey.Demo, password string, now time.Time) (DemoResult, error) {
	meta := db.col(colMeta)
	_, err := meta.InsertOne(ctx, demoMarkerDoc{ID: demoMarkerID, At: now.UTC()})
	if mongo.IsDuplicateKeyError(err) {
		var m demoMarkerDoc
		if err := meta.FindOne(ctx, bson.M{"_id": demoMarkerID}).Decode(&m); err != nil {
			return DemoResult{}, fmt.Errorf("läsa demomarkering: %w", translate(err))
		}
		return DemoResult{Survey: m.Survey, Interrupted: !m.Done}, nil
	}
	if err != nil {
		return DemoResult{}, fmt.Errorf("spara demomarkering: %w", translate(err))
	}
	id, err := seedDemo(ctx, db, demo, password, now)
	if err != nil {
		// Let the next start try again from the beginning.
		_, _ = meta.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": demoMarkerID})
		return DemoResult{}, err
	}
	if _, err := meta.UpdateOne(ctx, bson.M{"_id": demoMarkerID}, bson.M{"$set": bson.M{"survey": id, "done": true}}); err != nil {
		return DemoResult{}, fmt.Errorf("spara demomarkering: %w", translate(err))
	}
	return DemoResult{Seeded: true, Survey: id}, nil
}

func seedDemo(ctx context.Context, db *DB, demo survey.Demo, password string, now time.Time) (string, error) {
	villages := NewVillages(db)
	for _, v := range demo.Villages {
		if err := villages.Create(ctx, v); err != nil && !errors.Is(err, survey.ErrConflict) {
			return "", err
		}
	}
	users, err := seedDemoUsers(ctx, db, password, now)
	if err != nil {
		return "", err
	}
	if err := demo.Survey.Check(); err != nil {
		return "", fmt.Errorf("demoenkäten: %w", err)
	}
	sv := &survey.Survey{Status: survey.Draft, CreatedBy: users[survey.RoleOfficial], Created: now.UTC()}
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
	if err := seedDemoProposals(ctx, db, users, now); err != nil {
		return "", err
	}
	return sv.ID, nil
}

// seedDemoUsers creates the demo accounts that do not exist yet and returns
// the id of one user of each role (the first of each).
func seedDemoUsers(ctx context.Context, db *DB, password string, now time.Time) (map[string]string, error) {
	users := NewUsers(db)
	ids := map[string]string{}
	for _, du := range survey.DemoUsers {
		u, hash, err := survey.NewUser{Email: du.Email, Name: du.Name, Password: password, Role: du.Role, Villages: du.Villages}.User(now)
		if err != nil {
			return nil, fmt.Errorf("demoanvändaren %s: %w", du.Email, err)
		}
		err = users.Create(ctx, &u, hash)
		if errors.Is(err, survey.ErrConflict) {
			existing, _, err := users.ByEmail(ctx, du.Email)
			if err != nil {
				return nil, err
			}
			u = existing
		} else if err != nil {
			return nil, err
		}
		if ids[du.Role] == "" {
			ids[du.Role] = u.ID
		}
		for _, v := range du.Villages {
			if ids["village:"+v] == "" {
				ids["village:"+v] = u.ID
			}
		}
	}
	return ids, nil
}

// seedDemoProposals stores the demo proposals, their rounds, answers and
// decisions, each dated as if it had happened the given days before now.
func seedDemoProposals(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	proposals, remisses := NewProposals(db), NewRemisses(db)
	official := users[survey.RoleOfficial]
	day := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo) }
	for _, dp := range survey.DemoProposals {
		received := day(dp.ReceivedDaysAgo)
		p, err := survey.NewProposal{Title: dp.Title, Body: dp.Body, SubmittedBy: dp.SubmittedBy,
			Received: survey.DateOf(received).String()}.Proposal(received, official)
		if err != nil {
			return fmt.Errorf("demoförslaget %q: %w", dp.Title, err)
		}
		if err := proposals.Create(ctx, p); err != nil {
			return err
		}
		if dp.Round == nil {
			continue
		}
		dr := dp.Round
		sent := day(dr.SentDaysAgo)
		r, err := survey.NewRemiss{Villages: dr.Villages, Question: dr.Question,
			Deadline: survey.DateOf(day(dr.DeadlineDaysAgo)).String()}.Remiss(p, sent, official)
		if err != nil {
			return fmt.Errorf("demoremissen %q: %w", dp.Title, err)
		}
		if err := remisses.Create(ctx, r); err != nil {
			return err
		}
		for _, da := range dr.Answers {
			at := day(da.AnsweredDaysAgo)
			in := da.Answer
			in.Village = da.Village
			by, err := NewUsers(db).Get(ctx, users["village:"+da.Village])
			var rep *survey.User
			if err == nil {
				rep = &by
			}
			a, err := r.Answer(in, at, rep)
			if err != nil {
				return fmt.Errorf("demosvaret från %s: %w", da.Village, err)
			}
			if _, err := remisses.Answer(ctx, r, a); err != nil {
				return err
			}
		}
		if dr.ClosedDaysAgo > 0 {
			if err := r.Close(day(dr.ClosedDaysAgo), official); err != nil {
				return err
			}
			if err := remisses.Close(ctx, r); err != nil {
				return err
			}
		}
		p.Refresh([]*survey.Remiss{r}, now)
		if dp.Decision != nil {
			if err := p.Decide(*dp.Decision, []*survey.Remiss{r}, day(dp.DecidedDaysAgo), official); err != nil {
				return fmt.Errorf("demobeslutet %q: %w", dp.Title, err)
			}
			if err := proposals.Decide(ctx, p); err != nil {
				return err
			}
			continue
		}
		if err := proposals.SetStatus(ctx, p.ID, p.Status); err != nil {
			return err
		}
	}
	return nil
}
