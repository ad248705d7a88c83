package survey

import (
	"errors"
	"testing"
	"time"
)

func TestEditQuestionChangesADraftQuestionInPlace(t *testing.T) {
	ten, three := 10.0, 3.0
	draft := func() *Survey {
		sv, _ := NewDraft(Details{Title: "Byns framtid", Villages: []string{"aby"}})
		for _, q := range []Question{{Key: "a", Type: Likert, Prompt: "A"}, {Key: "b", Type: Single, Prompt: "B", Options: []string{"x", "y"}}, {Key: "c", Type: Text, Prompt: "C"}} {
			if err := sv.AddQuestion(q); err != nil {
				t.Fatalf("add %s: %v", q.Key, err)
			}
		}
		return sv
	}
	cases := []struct {
		name      string
		key       string
		q         Question
		open      bool
		wantErr   error
		wantField string
		check     func(*Survey) string
	}{
		{name: "a prompt, options and required change and the key and place stay", key: "b",
			q: Question{Key: "ignored", Type: Multi, Prompt: "Nytt B", Options: []string{"x", "y", "z"}, Required: true, Max: &three},
			check: func(sv *Survey) string {
				q := sv.Questions[1]
				if q.Key != "b" || q.Prompt != "Nytt B" || len(q.Options) != 3 || !q.Required || q.Type != Multi || *q.Max != 3 {
					return "question 2 is " + q.Key + " " + q.Prompt
				}
				return ""
			}},
		{name: "a text question gets a new length limit", key: "c", q: Question{Type: Text, Prompt: "C", Max: &ten},
			check: func(sv *Survey) string {
				if *sv.Questions[2].Max != 10 {
					return "max not 10"
				}
				return ""
			}},
		{name: "a single question with one option is refused", key: "b", q: Question{Type: Single, Prompt: "B", Options: []string{"x"}}, wantField: "options"},
		{name: "an empty prompt is refused", key: "a", q: Question{Type: Likert}, wantField: "prompt"},
		{name: "an unknown key is not found", key: "nope", q: Question{Type: Likert, Prompt: "N"}, wantErr: ErrNotFound},
		{name: "an open survey cannot be edited", key: "a", q: Question{Type: Likert, Prompt: "A2"}, open: true, wantErr: ErrConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sv := draft()
			if tc.open {
				_ = sv.Open(time.Now())
			}
			before := sv.Questions[0].Prompt
			err := sv.EditQuestion(tc.key, tc.q)
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("got %v; want %v", err, tc.wantErr)
				}
			case tc.wantField != "":
				var verr *ValidationError
				if !errors.As(err, &verr) || verr.For(tc.wantField) == "" {
					t.Errorf("got %v; want an error on %s", err, tc.wantField)
				}
				if sv.Questions[0].Prompt != before || sv.Questions[1].Options[1] != "y" {
					t.Errorf("got the survey changed by a refused edit; want it unchanged")
				}
			default:
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				if msg := tc.check(sv); msg != "" || len(sv.Questions) != 3 {
					t.Errorf("got %s with %d questions; want the edit in place", msg, len(sv.Questions))
				}
			}
		})
	}
}

func TestCopyMakesADraftWithTheSameQuestionsAndVillages(t *testing.T) {
	sv, _ := NewDraft(Details{Title: "Byns framtid", Villages: []string{"aby", "by"}, Access: AccessCode})
	_ = sv.AddQuestion(Question{Key: "a", Type: Likert, Prompt: "A"})
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	_ = sv.Open(now)
	_ = sv.Close(now)
	cp := sv.Copy("u2", now.Add(time.Hour))
	if cp.Status != Draft || cp.Opened != nil || cp.Closed != nil || cp.Title != "Kopia av Byns framtid" || cp.CreatedBy != "u2" {
		t.Errorf("got %s %q by %s; want a fresh draft called Kopia av Byns framtid by u2", cp.Status, cp.Title, cp.CreatedBy)
	}
	if len(cp.Questions) != 1 || len(cp.Villages) != 2 || cp.Access != AccessCode {
		t.Errorf("got %d questions, villages %v, access %s; want 1, [aby by], code", len(cp.Questions), cp.Villages, cp.Access)
	}
	cp.Questions[0].Prompt, cp.Villages[0] = "changed", "x"
	if sv.Questions[0].Prompt != "A" || sv.Villages[0] != "aby" {
		t.Error("got the original changed through its copy; want them apart")
	}
}

func TestTheScheduleOpensAndClosesASurveyAtItsTimes(t *testing.T) {
	now := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { x := now.Add(time.Duration(h) * time.Hour); return &x }
	withQ := func() *Survey {
		sv, _ := NewDraft(Details{Title: "T", Villages: []string{"aby"}})
		_ = sv.AddQuestion(Question{Key: "a", Type: Likert, Prompt: "A"})
		return sv
	}
	cases := []struct {
		name          string
		survey        func() *Survey
		opens, closes *time.Time
		wantField     string
		applyAt       time.Time
		wantStatus    string
	}{
		{name: "a draft opens at its time", survey: withQ, opens: at(1), applyAt: *at(1), wantStatus: Open},
		{name: "a draft stays a draft before its time", survey: withQ, opens: at(1), applyAt: *at(0), wantStatus: Draft},
		{name: "a draft whose both times passed opens and closes", survey: withQ, opens: at(1), closes: at(2), applyAt: *at(3), wantStatus: Closed},
		{name: "closing before opening is refused", survey: withQ, opens: at(2), closes: at(1), wantField: "closes_at"},
		{name: "a closing time in the past is refused", survey: withQ, closes: at(-1), wantField: "closes_at"},
		{name: "a draft without questions cannot be set to open", survey: func() *Survey { sv, _ := NewDraft(Details{Title: "T", Villages: []string{"aby"}}); return sv }, opens: at(1), wantField: "opens_at"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sv := tc.survey()
			err := sv.SetSchedule(tc.opens, tc.closes, now)
			if tc.wantField != "" {
				var verr *ValidationError
				if !errors.As(err, &verr) || verr.For(tc.wantField) == "" {
					t.Errorf("got %v; want an error on %s", err, tc.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sv.ApplySchedule(tc.applyAt)
			if sv.Status != tc.wantStatus {
				t.Errorf("got %s; want %s", sv.Status, tc.wantStatus)
			}
			if tc.wantStatus == Open && !sv.Opened.Equal(*tc.opens) {
				t.Errorf("got opened at %v; want the set time %v", sv.Opened, tc.opens)
			}
		})
	}
	t.Run("a closed survey reopens and forgets its closing time", func(t *testing.T) {
		sv := withQ()
		_ = sv.Open(now)
		_ = sv.SetSchedule(nil, at(1), now)
		sv.ApplySchedule(*at(2))
		if err := sv.Reopen(); err != nil || sv.Status != Open || sv.ClosesAt != nil || sv.Closed != nil {
			t.Errorf("got %v, %s; want open without a closing time", err, sv.Status)
		}
		if err := sv.Reopen(); !errors.Is(err, ErrConflict) {
			t.Errorf("reopening an open survey: got %v; want ErrConflict", err)
		}
	})
}
