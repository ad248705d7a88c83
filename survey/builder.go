package survey

import (
	"fmt"
	"strings"
	"time"
)

// The survey builder of the pages changes a draft one step at a time. Each
// step is checked as a whole definition, so a survey built in the browser
// obeys exactly the rules of one sent to the API.

// definition is the survey's current definition.
func (s *Survey) definition() Definition {
	qs := make([]Question, len(s.Questions))
	copy(qs, s.Questions)
	return Definition{Title: s.Title, Description: s.Description, Villages: append([]string{}, s.Villages...), Access: s.Access, Questions: qs}
}

// checkDraft validates d for a draft that may still have no questions: the
// builder starts with the details and adds questions one by one.
func checkDraft(d *Definition) error {
	err := d.Check()
	verr, ok := err.(*ValidationError)
	if !ok || len(d.Questions) > 0 {
		return err
	}
	kept := &ValidationError{}
	for _, f := range verr.Fields {
		if f.Field != "questions" {
			kept.Fields = append(kept.Fields, f)
		}
	}
	return kept.Err()
}

// Details is the builder's first step: what the survey is called, whom it
// asks and how residents get in.
type Details struct {
	Title       string
	Description string
	Villages    []string
	Access      string
}

// NewDraft returns a draft with the details and no questions yet.
func NewDraft(d Details) (*Survey, error) {
	s := &Survey{Status: Draft, Questions: []Question{}}
	return s, s.SetDetails(d)
}

// SetDetails changes a draft's title, description, villages and access.
func (s *Survey) SetDetails(d Details) error {
	if s.Status != Draft {
		return fmt.Errorf("bara ett utkast kan ändras: %w", ErrConflict)
	}
	def := s.definition()
	def.Title, def.Description, def.Villages, def.Access = d.Title, strings.TrimSpace(d.Description), d.Villages, d.Access
	if def.Villages == nil {
		def.Villages = []string{}
	}
	if err := checkDraft(&def); err != nil {
		return err
	}
	s.Title, s.Description, s.Villages, s.Access = def.Title, def.Description, def.Villages, def.Access
	return nil
}

// AddQuestion appends a question to a draft. Errors name the question's
// fields without the list index ("prompt", "options").
func (s *Survey) AddQuestion(q Question) error {
	if s.Status != Draft {
		return fmt.Errorf("bara ett utkast kan ändras: %w", ErrConflict)
	}
	def := s.definition()
	def.Questions = append(def.Questions, q)
	if err := checkDraft(&def); err != nil {
		if verr, ok := err.(*ValidationError); ok {
			prefix := fmt.Sprintf("questions[%d].", len(def.Questions)-1)
			out := &ValidationError{}
			for _, f := range verr.Fields {
				if strings.HasPrefix(f.Field, prefix) {
					out.Add(strings.TrimPrefix(f.Field, prefix), f.Message)
				} else if f.Field == "questions" {
					out.Add("key", f.Message)
				}
			}
			if len(out.Fields) > 0 {
				return out.Err()
			}
		}
		return err
	}
	s.Questions = def.Questions
	return nil
}

// RemoveQuestion removes a draft's question.
func (s *Survey) RemoveQuestion(key string) error {
	if s.Status != Draft {
		return fmt.Errorf("bara ett utkast kan ändras: %w", ErrConflict)
	}
	for i, q := range s.Questions {
		if q.Key == key {
			s.Questions = append(s.Questions[:i:i], s.Questions[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("frågan %q: %w", key, ErrNotFound)
}

// MoveQuestion moves a draft's question one step up (delta -1) or down (+1);
// at either end it stays.
func (s *Survey) MoveQuestion(key string, delta int) error {
	if s.Status != Draft {
		return fmt.Errorf("bara ett utkast kan ändras: %w", ErrConflict)
	}
	for i, q := range s.Questions {
		if q.Key == key {
			j := i + delta
			if j >= 0 && j < len(s.Questions) {
				s.Questions[i], s.Questions[j] = s.Questions[j], s.Questions[i]
			}
			return nil
		}
	}
	return fmt.Errorf("frågan %q: %w", key, ErrNotFound)
}

// ReadyToOpen reports what stops a draft from opening: it needs questions.
func (s *Survey) ReadyToOpen() error {
	if len(s.Questions) == 0 {
		v := &ValidationError{}
		v.Add("questions", "Lägg till minst en fråga innan enkäten öppnas")
		return v
	}
	return nil
}

// EditQuestion replaces a draft's question in place, keeping its key and its
// position. Errors name the question's fields, as AddQuestion's do.
func (s *Survey) EditQuestion(key string, q Question) error {
	if s.Status != Draft {
		return fmt.Errorf("bara ett utkast kan ändras: %w", ErrConflict)
	}
	i := -1
	for j := range s.Questions {
		if s.Questions[j].Key == key {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("frågan %q: %w", key, ErrNotFound)
	}
	q.Key = key
	def := s.definition()
	def.Questions[i] = q
	if err := checkDraft(&def); err != nil {
		if verr, ok := err.(*ValidationError); ok {
			prefix := fmt.Sprintf("questions[%d].", i)
			out := &ValidationError{}
			for _, f := range verr.Fields {
				if strings.HasPrefix(f.Field, prefix) {
					out.Add(strings.TrimPrefix(f.Field, prefix), f.Message)
				}
			}
			if len(out.Fields) > 0 {
				return out.Err()
			}
		}
		return err
	}
	s.Questions = def.Questions
	return nil
}

// Copy returns a new draft with the survey's details, questions and
// villages, titled as a copy; statuses and dates are not copied.
func (s *Survey) Copy(createdBy string, now time.Time) *Survey {
	c := s.definition()
	return &Survey{Title: copyTitle(s.Title), Description: c.Description, Villages: c.Villages, Access: c.Access,
		Questions: c.Questions, Status: Draft, CreatedBy: createdBy, Created: now.UTC()}
}

// copyTitle is "Kopia av <title>", cut to the 200 characters a title may have.
func copyTitle(title string) string {
	t := []rune("Kopia av " + title)
	if len(t) > 200 {
		t = t[:200]
	}
	return string(t)
}

// SetSchedule sets when the service opens and closes the survey by itself;
// nil clears a time. Opening is only for a draft; the closing time must come
// after the opening time and after now.
func (s *Survey) SetSchedule(opens, closes *time.Time, now time.Time) error {
	v := &ValidationError{}
	if s.Status == Closed {
		return fmt.Errorf("en stängd enkät har inget schema: %w", ErrConflict)
	}
	if opens != nil && s.Status != Draft {
		v.Add("opens_at", "Enkäten är redan öppen")
	}
	if opens != nil && len(s.Questions) == 0 {
		v.Add("opens_at", "Lägg till minst en fråga innan enkäten öppnas")
	}
	if closes != nil && !closes.After(now) {
		v.Add("closes_at", "Stängningstiden har redan passerat")
	}
	if opens != nil && closes != nil && !closes.After(*opens) {
		v.Add("closes_at", "Enkäten måste stängas efter att den har öppnats")
	}
	if err := v.Err(); err != nil {
		return err
	}
	s.OpensAt, s.ClosesAt = utcOrNil(opens), utcOrNil(closes)
	return nil
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ApplySchedule opens a draft whose opening time has come and closes an open
// survey whose closing time has, as of now, dated as scheduled. It reports
// whether the status changed. A draft without questions is not opened.
func (s *Survey) ApplySchedule(now time.Time) bool {
	changed := false
	if s.Status == Draft && s.OpensAt != nil && !now.Before(*s.OpensAt) && len(s.Questions) > 0 {
		at := *s.OpensAt
		s.Status, s.Opened, s.OpensAt = Open, &at, nil
		changed = true
	}
	if s.Status == Open && s.ClosesAt != nil && !now.Before(*s.ClosesAt) {
		at := *s.ClosesAt
		s.Status, s.Closed, s.ClosesAt = Closed, &at, nil
		changed = true
	}
	return changed
}

// Reopen takes a closed survey back to open, to take more responses; its
// closing time is forgotten, so it stays open until closed again.
func (s *Survey) Reopen() error {
	if s.Status != Closed {
		return fmt.Errorf("bara en stängd enkät kan öppnas igen (status %s): %w", s.Status, ErrConflict)
	}
	s.Status, s.Closed, s.ClosesAt = Open, nil, nil
	return nil
}
