package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Villages stores villages, keyed by slug.
type Villages struct{ col *mongo.Collection }

// NewVillages returns the village store of db.
func NewVillages(db *DB) *Villages { return &Villages{col: db.col(colVillages)} }

type villageDoc struct {
	Slug       string    `bson:"_id"`
	Name       string    `bson:"name"`
	Population int       `bson:"population"`
	Created    time.Time `bson:"created"`
}

func (d villageDoc) village() survey.Village {
	return survey.Village{Slug: d.Slug, Name: d.Name, Population: d.Population, Created: d.Created}
}

// Create stores a new village; a taken slug is survey.ErrConflict.
func (s *Villages) Create(ctx context.Context, v survey.Village) error {
	_, err := s.col.InsertOne(ctx, villageDoc{Slug: v.Slug, Name: v.Name, Population: v.Population, Created: v.Created})
	if err != nil {
		return fmt.Errorf("spara by %q: %w", v.Slug, translate(err))
	}
	return nil
}

// Get returns one village.
func (s *Villages) Get(ctx context.Context, slug string) (survey.Village, error) {
	var d villageDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": slug}).Decode(&d); err != nil {
		return survey.Village{}, fmt.Errorf("by %q: %w", slug, translate(err))
	}
	return d.village(), nil
}

// List returns every village by name.
func (s *Villages) List(ctx context.Context) ([]survey.Village, error) {
	cur, err := s.col.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("lista byar: %w", translate(err))
	}
	docs := make([]villageDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("lista byar: %w", translate(err))
	}
	out := make([]survey.Village, len(docs))
	for i, d := range docs {
		out[i] = d.village()
	}
	return out, nil
}

// Missing returns the slugs among slugs that are not stored villages.
func (s *Villages) Missing(ctx context.Context, slugs []string) ([]string, error) {
	found, err := s.col.Distinct(ctx, "_id", bson.M{"_id": bson.M{"$in": slugs}})
	if err != nil {
		return nil, fmt.Errorf("kontrollera byar: %w", translate(err))
	}
	have := make(map[string]bool, len(found))
	for _, f := range found {
		if id, ok := f.(string); ok {
			have[id] = true
		}
	}
	var missing []string
	for _, slug := range slugs {
		if !have[slug] {
			missing = append(missing, slug)
		}
	}
	return missing, nil
}

// Update stores a village's changed name and population (its slug stays).
func (s *Villages) Update(ctx context.Context, v survey.Village) error {
	res, err := s.col.UpdateOne(ctx, bson.M{"_id": v.Slug}, bson.M{"$set": bson.M{"name": v.Name, "population": v.Population}})
	if err != nil {
		return fmt.Errorf("spara by %q: %w", v.Slug, translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("by %q: %w", v.Slug, survey.ErrNotFound)
	}
	return nil
}
