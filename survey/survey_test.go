package survey

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSlugifyFoldsSwedishNames(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Österåker", "osteraker"},
		{"Högsjö", "hogsjo"},
		{"Läppe", "lappe"},
		{"Västra Vingåker", "vastra-vingaker"},
		{"  Sköldinge  kyrkby ", "skoldinge-kyrkby"},
		{"Éby–Öby!", "eby-oby"},
		{"Bygd 2", "bygd-2"},
		{"Ærø", "aero"},
		{"!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" becomes "+tt.want, func(t *testing.T) {
			if got := Slugify(tt.name); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

func TestValidSlug(t *testing.T) {
	tests := []struct {
		slug string
		want bool
	}{
		{"osteraker", true}, {"a-1", true}, {"", false}, {"-a", false}, {"a-", false},
		{"Åby", false}, {"a b", false}, {strings.Repeat("a", 61), false},
	}
	for _, tt := range tests {
		if got := ValidSlug(tt.slug); got != tt.want {
			t.Errorf("ValidSlug(%q): got %v; want %v", tt.slug, got, tt.want)
		}
	}
}

func fptr(f float64) *float64 { return &f }

func validDefinition() Definition {
	return Definition{
		Title: "Enkät", Villages: []string{"aby", "bby"},
		Questions: []Question{
			{Key: "q1", Type: Single, Prompt: "En?", Options: []string{"Ja", "Nej"}, Required: true},
			{Key: "q2", Type: Multi, Prompt: "Flera?", Options: []string{"A", "B", "C"}, Max: fptr(2)},
			{Key: "q3", Type: Likert, Prompt: "Likert?"},
			{Key: "q4", Type: Rank, Prompt: "Ordna?", Options: []string{"X", "Y", "Z"}},
			{Key: "q5", Type: Number, Prompt: "Tal?", Min: fptr(0), Max: fptr(10)},
			{Key: "q6", Type: Text, Prompt: "Text?"},
		},
	}
}

func TestDefinitionCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *Definition)
		field  string // "" = valid
	}{
		{"a definition of every type is valid", func(d *Definition) {}, ""},
		{"a title is required", func(d *Definition) { d.Title = " " }, "title"},
		{"at least one village is required", func(d *Definition) { d.Villages = nil }, "villages"},
		{"a village may appear once", func(d *Definition) { d.Villages = []string{"aby", "aby"} }, "villages[1]"},
		{"access must be link or code", func(d *Definition) { d.Access = "open" }, "access"},
		{"at least one question is required", func(d *Definition) { d.Questions = nil }, "questions"},
		{"keys are unique", func(d *Definition) { d.Questions[1].Key = "q1" }, "questions[1].key"},
		{"keys are a-z0-9_", func(d *Definition) { d.Questions[0].Key = "Fråga" }, "questions[0].key"},
		{"a key may not look like an operator", func(d *Definition) { d.Questions[0].Key = "$gt" }, "questions[0].key"},
		{"the type must be known", func(d *Definition) { d.Questions[0].Type = "slider" }, "questions[0].type"},
		{"single needs two options", func(d *Definition) { d.Questions[0].Options = []string{"Ja"} }, "questions[0].options"},
		{"options are unique", func(d *Definition) { d.Questions[0].Options = []string{"Ja", "ja"} }, "questions[0].options[1]"},
		{"likert has no options", func(d *Definition) { d.Questions[2].Options = []string{"A", "B"} }, "questions[2].options"},
		{"multi max is at most the options", func(d *Definition) { d.Questions[1].Max = fptr(4) }, "questions[1].max"},
		{"number min is not above max", func(d *Definition) { d.Questions[4].Min = fptr(11) }, "questions[4].max"},
		{"text max is bounded", func(d *Definition) { d.Questions[5].Max = fptr(MaxTextMax + 1) }, "questions[5].max"},
		{"a prompt is required", func(d *Definition) { d.Questions[3].Prompt = "" }, "questions[3].prompt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDefinition()
			tt.change(&d)
			err := d.Check()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v; want valid", err)
				}
				return
			}
			var v *ValidationError
			if !errors.As(err, &v) || v.For(tt.field) == "" {
				t.Errorf("got %v; want an error for %s", err, tt.field)
			}
		})
	}
}

func TestCheckFillsDefaults(t *testing.T) {
	d := validDefinition()
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	if d.Access != AccessLink {
		t.Errorf("got access %q; want %q", d.Access, AccessLink)
	}
	if got := d.Questions[5].Max; got == nil || *got != DefaultTextMax {
		t.Errorf("got text max %v; want %d", got, DefaultTextMax)
	}
}

func TestLifecycle(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	s := &Survey{Status: Draft, Villages: []string{"aby"}}
	if err := s.Accepting("aby"); !errors.Is(err, ErrClosed) {
		t.Errorf("a draft accepting: got %v; want ErrClosed", err)
	}
	if err := s.Close(now); !errors.Is(err, ErrConflict) {
		t.Errorf("closing a draft: got %v; want ErrConflict", err)
	}
	if err := s.Open(now); err != nil || s.Status != Open || s.Opened == nil {
		t.Fatalf("open: got %v, status %s; want open", err, s.Status)
	}
	if err := s.Apply(validDefinition()); !errors.Is(err, ErrConflict) {
		t.Errorf("editing an open survey: got %v; want ErrConflict", err)
	}
	if err := s.Accepting("aby"); err != nil {
		t.Errorf("open survey accepting its village: got %v; want nil", err)
	}
	if err := s.Accepting("bby"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another village: got %v; want ErrNotFound", err)
	}
	if err := s.Open(now); !errors.Is(err, ErrConflict) {
		t.Errorf("opening twice: got %v; want ErrConflict", err)
	}
	if err := s.Close(now); err != nil || s.Status != Closed {
		t.Fatalf("close: got %v; want closed", err)
	}
	if err := s.Accepting("aby"); !errors.Is(err, ErrClosed) {
		t.Errorf("closed accepting: got %v; want ErrClosed", err)
	}
}

func TestNewVillage(t *testing.T) {
	now := time.Now()
	tests := []struct {
		in    NewVillage
		slug  string
		field string
	}{
		{NewVillage{Name: "Österåker"}, "osteraker", ""},
		{NewVillage{Name: "Åby", Slug: "aby-2"}, "aby-2", ""},
		{NewVillage{Name: ""}, "", "name"},
		{NewVillage{Name: "Åby", Slug: "Å"}, "", "slug"},
		{NewVillage{Name: "!!!"}, "", "slug"},
		{NewVillage{Name: "Åby", Population: -1}, "", "population"},
	}
	for _, tt := range tests {
		t.Run(tt.in.Name+"/"+tt.in.Slug, func(t *testing.T) {
			v, err := tt.in.Village(now)
			var verr *ValidationError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("got %v; want valid", err)
			case tt.field == "" && v.Slug != tt.slug:
				t.Errorf("got slug %q; want %q", v.Slug, tt.slug)
			case tt.field != "" && (!errors.As(err, &verr) || verr.For(tt.field) == ""):
				t.Errorf("got %v; want an error for %s", err, tt.field)
			}
		})
	}
}

func TestDemoIsValidAndVaried(t *testing.T) {
	d := NewDemo(time.Now(), 42)
	if err := d.Survey.Check(); err != nil {
		t.Fatalf("demo survey: got %v; want valid", err)
	}
	s := &Survey{Questions: d.Survey.Questions, Villages: d.Survey.Villages}
	perVillage := map[string]int{}
	for i, r := range d.Responses {
		for key, a := range r.Answers {
			q := s.Question(key)
			if q == nil {
				t.Fatalf("response %d: unknown question %s", i, key)
			}
			if msg := q.check(a); msg != "" {
				t.Fatalf("response %d, %s: got %q; want a valid answer", i, key, msg)
			}
		}
		perVillage[r.Village]++
	}
	if len(d.Responses) < 200 || len(perVillage) != len(d.Villages) {
		t.Errorf("got %d responses over %d villages; want a few hundred over all %d", len(d.Responses), len(perVillage), len(d.Villages))
	}
}
