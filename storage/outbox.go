package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// colOutboxAttempts holds one document per attempt to send a message, its
// _id "<message>/a<n>": the claim that lets one instance, and only one, hand
// attempt n of a message to the mail server.
const colOutboxAttempts = "outbox_attempts"

// StaleAttempt is how long a claimed attempt may go without its outcome
// before the sender takes it as failed (the instance that claimed it died
// while sending). Far longer than an SMTP conversation takes.
const StaleAttempt = 10 * time.Minute

// QueuedGrace is how long a queued message is left to the instance that
// queued it (which sends it at once) before the sender takes it over.
const QueuedGrace = time.Minute

type attemptDoc struct {
	ID      string    `bson:"_id"`
	Message string    `bson:"message"`
	N       int       `bson:"n"`
	At      time.Time `bson:"at"`
}

func attemptKey(id string, n int) string { return id + "/a" + strconv.Itoa(n) }

// ClaimAttempt claims attempt n (1 for the first) of message id for the
// caller: true means it is the caller's to send, false that another instance
// (or an earlier call) claimed it. Call it before handing the message to the
// mail server, so that two instances never send one message twice.
func (s *Outbox) ClaimAttempt(ctx context.Context, id string, n int, at time.Time) (bool, error) {
	_, err := s.attempts().InsertOne(ctx, attemptDoc{ID: attemptKey(id, n), Message: id, N: n, At: at.UTC()})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("försök att skicka %q: %w", id, translate(err))
	}
	return true, nil
}

func (s *Outbox) attempts() *mongo.Collection { return s.col.Database().Collection(colOutboxAttempts) }

// Delivered records the outcome of attempt n of a message: sent when sendErr
// is nil; failed with the error otherwise, and then either the time of the
// next attempt (survey.RetryDelays) or, after the last, given up. Only the
// claimer of attempt n calls it, so the update needs no condition beyond
// not going back to an earlier attempt.
func (s *Outbox) Delivered(ctx context.Context, id string, n int, at time.Time, sendErr error) error {
	set := bson.M{"status": survey.MessageSent, "sent": at.UTC(), "error": "", "attempts": n}
	unset := bson.M{"next_attempt": ""}
	if sendErr != nil {
		set = bson.M{"status": survey.MessageFailed, "error": sendErr.Error(), "attempts": n}
		if next, ok := survey.NextAttemptAfter(n, at.UTC()); ok {
			set["next_attempt"], unset = next, nil
		} else {
			set["gave_up"] = true
		}
	}
	update := bson.M{"$set": set}
	if unset != nil {
		update["$unset"] = unset
	}
	_, err := s.col.UpdateOne(ctx, bson.M{"_id": id, "attempts": bson.M{"$lt": n}}, update)
	return translate(err)
}

// Due returns the messages the sender owes an attempt at now: queued ones
// older than QueuedGrace (their instance died before sending, or its send
// is still to be recorded) and failed ones whose next attempt has come (a
// failed message from before retries, without a next attempt, is due too,
// unless it has used every attempt). The outbox is a small collection, at
// forum scale: a filter on status scans it on FerretDB, which is acceptable.
func (s *Outbox) Due(ctx context.Context, now time.Time) ([]survey.OutboxMessage, error) {
	q := bson.M{"$or": bson.A{
		bson.M{"status": survey.MessageQueued, "created": bson.M{"$lte": now.Add(-QueuedGrace).UTC()}},
		bson.M{"status": survey.MessageFailed, "gave_up": bson.M{"$ne": true}, "$or": bson.A{
			bson.M{"next_attempt": bson.M{"$lte": now.UTC()}},
			bson.M{"next_attempt": bson.M{"$exists": false}},
		}},
	}}
	var docs []messageDoc
	if err := findAll(ctx, s.col, q, nil, &docs); err != nil {
		return nil, fmt.Errorf("läsa utkorgen: %w", err)
	}
	out := make([]survey.OutboxMessage, 0, len(docs))
	for _, d := range docs {
		if d.Attempts >= survey.MaxAttempts {
			continue
		}
		out = append(out, survey.OutboxMessage(d))
	}
	return out, nil
}

// AbandonStaleAttempt records attempt n of a message as failed when it was
// claimed longer than StaleAttempt before now and never got an outcome (the
// instance that claimed it stopped while sending), so that the next attempt
// can be claimed. It reports whether it did. Whether the mail server got the
// message cannot be known: this is the one case a message may arrive twice.
func (s *Outbox) AbandonStaleAttempt(ctx context.Context, id string, n int, now time.Time) (bool, error) {
	var a attemptDoc
	err := s.attempts().FindOne(ctx, bson.M{"_id": attemptKey(id, n)}).Decode(&a)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("försök att skicka %q: %w", id, translate(err))
	}
	if now.Sub(a.At) < StaleAttempt {
		return false, nil
	}
	err = s.Delivered(ctx, id, n, now, errors.New("sändningen avbröts: tjänsten stannade innan e-postservern svarade"))
	return err == nil, err
}
