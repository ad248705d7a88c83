package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// colShortLinks holds two kinds of document, both found by _id: "e:<code>"
// claims a short link for a survey's village (the unique _id makes sure two
// never share one) and "s:<survey>/<village>" names the link the village of
// the survey has.
const colShortLinks = "short_links"

// ShortLinks stores the short links printed on code sheets: /e/{code} leads
// to the phone page of one survey's village.
type ShortLinks struct{ col *mongo.Collection }

// NewShortLinks returns the short link store of db.
func NewShortLinks(db *DB) *ShortLinks { return &ShortLinks{col: db.col(colShortLinks)} }

type shortLinkDoc struct {
	ID      string `bson:"_id"`
	Code    string `bson:"code,omitempty"`
	Survey  string `bson:"survey"`
	Village string `bson:"village"`
}

// ShortLink is where a short link leads.
type ShortLink struct {
	Code, Survey, Village string
}

func ownerID(surveyID, village string) string { return "s:" + surveyID + "/" + village }

// Ensure returns the short link of the survey's village, claiming a fresh one
// the first time. Two callers at once get the same link: the first to claim
// the owner _id wins, the other reads it (its own claimed code also leads to
// the same village, so it does no harm).
func (s *ShortLinks) Ensure(ctx context.Context, surveyID, village string) (string, error) {
	owner := ownerID(surveyID, village)
	var have shortLinkDoc
	err := s.col.FindOne(ctx, bson.M{"_id": owner}).Decode(&have)
	if err == nil {
		return have.Code, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("kort länk: %w", translate(err))
	}
	var code string
	for try := 0; ; try++ {
		code = survey.NewShortLink()
		_, err := s.col.InsertOne(ctx, shortLinkDoc{ID: "e:" + code, Survey: surveyID, Village: village})
		if err == nil {
			break
		}
		if !mongo.IsDuplicateKeyError(err) || try == 20 {
			return "", fmt.Errorf("kort länk: %w", translate(err))
		}
	}
	_, err = s.col.InsertOne(ctx, shortLinkDoc{ID: owner, Code: code, Survey: surveyID, Village: village})
	if mongo.IsDuplicateKeyError(err) {
		if err := s.col.FindOne(ctx, bson.M{"_id": owner}).Decode(&have); err != nil {
			return "", fmt.Errorf("kort länk: %w", translate(err))
		}
		return have.Code, nil
	}
	if err != nil {
		return "", fmt.Errorf("kort länk: %w", translate(err))
	}
	return code, nil
}

// Resolve returns where a short link leads; an unknown code is
// survey.ErrNotFound. code must be normalised (survey.NormalizeShortLink).
func (s *ShortLinks) Resolve(ctx context.Context, code string) (ShortLink, error) {
	var d shortLinkDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": "e:" + code}).Decode(&d); err != nil {
		return ShortLink{}, fmt.Errorf("kort länk %q: %w", code, translate(err))
	}
	return ShortLink{Code: code, Survey: d.Survey, Village: d.Village}, nil
}
