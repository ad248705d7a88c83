package survey

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Question types.
const (
	Single = "single" // one option
	Multi  = "multi"  // one or more options, at most Max
	Likert = "likert" // 1–5, 1 = "Instämmer inte alls", 5 = "Instämmer helt"
	Rank   = "rank"   // all options in order, best first
	Number = "number" // a number between Min and Max
	Text   = "text"   // free text of at most Max characters
)

// Survey statuses.
const (
	Draft  = "draft"
	Open   = "open"
	Closed = "closed"
)

// Access modes: anyone with the link, or a one-time code per response.
const (
	AccessLink = "link"
	AccessCode = "code"
)

// Limits of a survey definition.
const (
	MaxQuestions   = 100
	MaxOptions     = 30
	DefaultTextMax = 2000
	MaxTextMax     = 10000
)

// LikertLabels are the Swedish labels of the five likert steps, 1 first.
var LikertLabels = [5]string{"Instämmer inte alls", "Tar delvis avstånd", "Varken eller", "Instämmer delvis", "Instämmer helt"}

// Question is one question of a survey.
type Question struct {
	Key      string   `json:"key" validate:"required,max=40"`
	Type     string   `json:"type" validate:"required,oneof=single multi likert rank number text"`
	Prompt   string   `json:"prompt" validate:"required,max=500"`
	Help     string   `json:"help,omitempty" validate:"max=1000"`
	Options  []string `json:"options,omitempty" validate:"max=30,dive,required,max=200"`
	Required bool     `json:"required"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
}

// Survey is a set of questions answered by residents of one or more villages.
type Survey struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Villages    []string   `json:"villages"`
	Access      string     `json:"access"`
	Questions   []Question `json:"questions"`
	Status      string     `json:"status"`
	CreatedBy   string     `json:"created_by,omitempty"`
	Created     time.Time  `json:"created"`
	Opened      *time.Time `json:"opened,omitempty"`
	Closed      *time.Time `json:"closed,omitempty"`
	// OpensAt and ClosesAt are the instants the service opens or closes
	// the survey by itself (see ApplySchedule).
	OpensAt  *time.Time `json:"opens_at,omitempty"`
	ClosesAt *time.Time `json:"closes_at,omitempty"`
	// Revision counts the saves of the survey (0 for one never changed, or
	// stored before revisions); a save names the revision it was made on.
	Revision int `json:"revision"`
	// Responses is the number of stored responses; filled in for signed-in readers.
	Responses *int `json:"responses,omitempty"`
}

// Definition is what a client sends to create or change a survey.
type Definition struct {
	Title       string     `json:"title" validate:"required,max=200"`
	Description string     `json:"description" validate:"max=5000"`
	Villages    []string   `json:"villages" validate:"required,min=1,max=200,dive,required"`
	Access      string     `json:"access" validate:"omitempty,oneof=link code"`
	Questions   []Question `json:"questions" validate:"required,min=1,max=100,dive"`
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Check validates the definition and normalises it in place (trimmed texts,
// default access and text length). Whether the villages exist is the caller's
// question: it needs the store.
func (d *Definition) Check() error {
	d.Title = strings.TrimSpace(d.Title)
	if d.Access == "" {
		d.Access = AccessLink
	}
	for i := range d.Questions {
		q := &d.Questions[i]
		q.Key = strings.TrimSpace(q.Key)
		q.Prompt = strings.TrimSpace(q.Prompt)
		for j := range q.Options {
			q.Options[j] = strings.TrimSpace(q.Options[j])
		}
	}
	v := &ValidationError{}
	Check(v, d)
	seenVillage := map[string]bool{}
	for i, slug := range d.Villages {
		if seenVillage[slug] {
			v.Add(fmt.Sprintf("villages[%d]", i), "Byn finns redan med")
		}
		seenVillage[slug] = true
	}
	seenKey := map[string]bool{}
	for i := range d.Questions {
		q := &d.Questions[i]
		field := fmt.Sprintf("questions[%d]", i)
		if q.Key != "" && !keyPattern.MatchString(q.Key) {
			v.Add(field+".key", "Nyckeln ska börja med a–z och bara innehålla a–z, 0–9 och _")
		}
		if seenKey[q.Key] {
			v.Add(field+".key", "Nyckeln används redan av en annan fråga")
		}
		seenKey[q.Key] = true
		q.checkShape(v, field)
	}
	return v.Err()
}

func (q *Question) checkShape(v *ValidationError, field string) {
	switch q.Type {
	case Single, Multi, Rank:
		if len(q.Options) < 2 {
			v.Add(field+".options", "Ange minst två svarsalternativ")
		}
		seen := map[string]bool{}
		for j, o := range q.Options {
			if seen[strings.ToLower(o)] {
				v.Add(fmt.Sprintf("%s.options[%d]", field, j), "Alternativet finns redan")
			}
			seen[strings.ToLower(o)] = true
		}
	default:
		if len(q.Options) > 0 {
			v.Add(field+".options", "Den här frågetypen har inga svarsalternativ")
		}
	}
	switch q.Type {
	case Multi:
		if q.Min != nil {
			v.Add(field+".min", "Används inte för flerval")
		}
		if q.Max != nil && (*q.Max < 1 || *q.Max != float64(int(*q.Max)) || int(*q.Max) > len(q.Options)) {
			v.Add(field+".max", "Högsta antal val ska vara ett heltal från 1 till antalet alternativ")
		}
	case Number:
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			v.Add(field+".max", "Högsta värde får inte vara lägre än lägsta")
		}
	case Text:
		if q.Min != nil {
			v.Add(field+".min", "Används inte för fritext")
		}
		if q.Max == nil {
			m := float64(DefaultTextMax)
			q.Max = &m
		} else if *q.Max < 1 || *q.Max > MaxTextMax || *q.Max != float64(int(*q.Max)) {
			v.Add(field+".max", fmt.Sprintf("Längsta svar ska vara ett heltal från 1 till %d tecken", MaxTextMax))
		}
	default:
		if q.Min != nil || q.Max != nil {
			v.Add(field+".max", "Den här frågetypen har inga gränser")
		}
	}
}

// Question returns the question with the given key, or nil.
func (s *Survey) Question(key string) *Question {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return &s.Questions[i]
		}
	}
	return nil
}

// HasVillage reports whether the survey is addressed to the village.
func (s *Survey) HasVillage(slug string) bool {
	for _, v := range s.Villages {
		if v == slug {
			return true
		}
	}
	return false
}

// Apply replaces the survey's definition. Only drafts can be changed.
func (s *Survey) Apply(d Definition) error {
	if s.Status != Draft {
		return fmt.Errorf("enkäten är inte ett utkast: frågorna kan inte ändras: %w", ErrConflict)
	}
	s.Title, s.Description, s.Villages, s.Access, s.Questions = d.Title, d.Description, d.Villages, d.Access, d.Questions
	return nil
}

// Open starts taking responses.
func (s *Survey) Open(now time.Time) error {
	if s.Status != Draft {
		return fmt.Errorf("bara ett utkast kan öppnas (status %s): %w", s.Status, ErrConflict)
	}
	t := now.UTC()
	s.Status, s.Opened = Open, &t
	return nil
}

// Close stops taking responses.
func (s *Survey) Close(now time.Time) error {
	if s.Status != Open {
		return fmt.Errorf("bara en öppen enkät kan stängas (status %s): %w", s.Status, ErrConflict)
	}
	t := now.UTC()
	s.Status, s.Closed = Closed, &t
	return nil
}

// Accepting returns nil when the survey takes responses for the village.
func (s *Survey) Accepting(village string) error {
	if !s.HasVillage(village) {
		return fmt.Errorf("byn %q ingår inte i enkäten: %w", village, ErrNotFound)
	}
	if s.Status != Open {
		return fmt.Errorf("enkäten tar inte emot svar: %w", ErrClosed)
	}
	return nil
}
