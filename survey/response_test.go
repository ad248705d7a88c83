package survey

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func openSurvey(t *testing.T) *Survey {
	t.Helper()
	d := validDefinition()
	d.Questions[5].Max = fptr(10)
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	return &Survey{ID: "s1", Status: Open, Villages: d.Villages, Questions: d.Questions}
}

func TestParseAnswers(t *testing.T) {
	s := openSurvey(t)
	tests := []struct {
		name  string
		json  string
		field string // "" = valid
		want  map[string]Answer
	}{
		{"every type answered is valid", `{"q1":"Ja","q2":["A","C"],"q3":5,"q4":["Z","X","Y"],"q5":2.5,"q6":" hej "}`, "", map[string]Answer{
			"q1": {Option: "Ja"}, "q2": {Options: []string{"A", "C"}}, "q3": {Number: fptr(5)},
			"q4": {Options: []string{"Z", "X", "Y"}}, "q5": {Number: fptr(2.5)}, "q6": {Text: "hej"}}},
		{"optional questions may be left out", `{"q1":"Nej"}`, "", map[string]Answer{"q1": {Option: "Nej"}}},
		{"null is not answered", `{"q1":"Nej","q3":null,"q6":null}`, "", map[string]Answer{"q1": {Option: "Nej"}}},
		{"an empty text is not answered", `{"q1":"Nej","q6":"  "}`, "", map[string]Answer{"q1": {Option: "Nej"}}},
		{"a required question missing", `{"q3":3}`, "answers.q1", nil},
		{"a required question null", `{"q1":null}`, "answers.q1", nil},
		{"single: not an option", `{"q1":"Kanske"}`, "answers.q1", nil},
		{"single: options are case-sensitive", `{"q1":"ja"}`, "answers.q1", nil},
		{"single: a number", `{"q1":1}`, "answers.q1", nil},
		{"single: an operator object", `{"q1":{"$ne":null}}`, "answers.q1", nil},
		{"multi: a string, not a list", `{"q1":"Ja","q2":"A"}`, "answers.q2", nil},
		{"multi: an empty list of an optional question is not answered", `{"q1":"Ja","q2":[]}`, "", map[string]Answer{"q1": {Option: "Ja"}}},
		{"multi: more than max", `{"q1":"Ja","q2":["A","B","C"]}`, "answers.q2", nil},
		{"multi: twice the same", `{"q1":"Ja","q2":["A","A"]}`, "answers.q2", nil},
		{"multi: unknown option", `{"q1":"Ja","q2":["D"]}`, "answers.q2", nil},
		{"likert: zero", `{"q1":"Ja","q3":0}`, "answers.q3", nil},
		{"likert: six", `{"q1":"Ja","q3":6}`, "answers.q3", nil},
		{"likert: a fraction", `{"q1":"Ja","q3":3.5}`, "answers.q3", nil},
		{"likert: a string", `{"q1":"Ja","q3":"3"}`, "answers.q3", nil},
		{"likert: 3.0 is three", `{"q1":"Ja","q3":3.0}`, "", map[string]Answer{"q1": {Option: "Ja"}, "q3": {Number: fptr(3)}}},
		{"rank: missing an option", `{"q1":"Ja","q4":["X","Y"]}`, "answers.q4", nil},
		{"rank: a repeated option", `{"q1":"Ja","q4":["X","Y","Y"]}`, "answers.q4", nil},
		{"rank: an empty list of an optional question is not answered", `{"q1":"Ja","q4":[]}`, "", map[string]Answer{"q1": {Option: "Ja"}}},
		{"number: below min", `{"q1":"Ja","q5":-1}`, "answers.q5", nil},
		{"number: above max", `{"q1":"Ja","q5":10.5}`, "answers.q5", nil},
		{"number: a string", `{"q1":"Ja","q5":"5"}`, "answers.q5", nil},
		{"number: huge", `{"q1":"Ja","q5":1e400}`, "answers.q5", nil},
		{"text: too long in characters", `{"q1":"Ja","q6":"åäöåäöåäöåä"}`, "answers.q6", nil},
		{"text: a list", `{"q1":"Ja","q6":["x"]}`, "answers.q6", nil},
		{"an unknown key", `{"q1":"Ja","q7":"x"}`, "answers.q7", nil},
		{"an operator key", `{"q1":"Ja","$where":"1"}`, "answers.$where", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tt.json), &raw); err != nil {
				t.Fatal(err)
			}
			got, err := s.ParseAnswers(raw)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v; want valid", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %+v; want %+v", got, tt.want)
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

func TestParseForm(t *testing.T) {
	s := openSurvey(t)
	tests := []struct {
		name  string
		form  map[string][]string
		field string
		want  map[string]Answer
	}{
		{"every type from a form", map[string][]string{
			"q_q1": {"Ja"}, "q_q2": {"A", "B"}, "q_q3": {"2"}, "q_q4_0": {"2"}, "q_q4_1": {"3"}, "q_q4_2": {"1"},
			"q_q5": {"3,5"}, "q_q6": {"Hej"}, "nonce": {"x"}}, "", map[string]Answer{
			"q1": {Option: "Ja"}, "q2": {Options: []string{"A", "B"}}, "q3": {Number: fptr(2)},
			"q4": {Options: []string{"Z", "X", "Y"}}, "q5": {Number: fptr(3.5)}, "q6": {Text: "Hej"}}},
		{"empty fields are not answered", map[string][]string{"q_q1": {"Nej"}, "q_q3": {""}, "q_q4_0": {""}, "q_q5": {" "}}, "",
			map[string]Answer{"q1": {Option: "Nej"}}},
		{"a required question left empty", map[string][]string{"q_q1": {""}}, "answers.q1", nil},
		{"a ranking with a place used twice", map[string][]string{"q_q1": {"Ja"}, "q_q4_0": {"1"}, "q_q4_1": {"1"}, "q_q4_2": {"2"}}, "answers.q4", nil},
		{"a ranking half done", map[string][]string{"q_q1": {"Ja"}, "q_q4_0": {"1"}}, "answers.q4", nil},
		{"a ranking place out of range", map[string][]string{"q_q1": {"Ja"}, "q_q4_0": {"4"}, "q_q4_1": {"1"}, "q_q4_2": {"2"}}, "answers.q4", nil},
		{"a number that is not a number", map[string][]string{"q_q1": {"Ja"}, "q_q5": {"fem"}}, "answers.q5", nil},
		{"a likert value from a forged form", map[string][]string{"q_q1": {"Ja"}, "q_q3": {"9"}}, "answers.q3", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ParseForm(tt.form)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v; want valid", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %+v; want %+v", got, tt.want)
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

func TestIncrementsMatchTallyAdd(t *testing.T) {
	s := openSurvey(t)
	answers := map[string]Answer{
		"q1": {Option: "Nej"}, "q2": {Options: []string{"A", "C"}}, "q3": {Number: fptr(4)},
		"q4": {Options: []string{"Y", "Z", "X"}}, "q5": {Number: fptr(2.5)}, "q6": {Text: "x"},
	}
	inc := Increments(s, answers)
	want := map[string]int{
		"responses": 1,
		"q.q1.n":    1, "q.q1.c.1": 1,
		"q.q2.n": 1, "q.q2.c.0": 1, "q.q2.c.2": 1,
		"q.q3.n": 1, "q.q3.c.4": 1,
		"q.q4.n": 1, "q.q4.c.1": 1, "q.q4.r.1": 1, "q.q4.r.2": 2, "q.q4.r.0": 3,
		"q.q5.n": 1, "q.q5.c." + NumberCode(2.5): 1,
		"q.q6.n": 1,
	}
	if !reflect.DeepEqual(inc, want) {
		t.Errorf("got %v; want %v", inc, want)
	}
	var tally Tally
	tally.Add(s, answers)
	tally.Add(s, answers)
	if got := tally.Questions["q4"].RankSums["0"]; got != 6 {
		t.Errorf("got rank sum %d for X; want 6", got)
	}
	if got := tally.Questions["q5"].Counts[NumberCode(2.5)]; got != 2 {
		t.Errorf("got %d answers of 2.5; want 2", got)
	}
	for path := range inc {
		if strings.ContainsAny(path[strings.LastIndex(path, ".")+1:], "$") {
			t.Errorf("path %q has an operator character", path)
		}
	}
}

func TestNumberCodeRoundTrips(t *testing.T) {
	for _, f := range []float64{0, -1.5, 2.5, 1e9, 0.1} {
		got, ok := ParseNumberCode(NumberCode(f))
		if !ok || got != f {
			t.Errorf("got %v, %v; want %v", got, ok, f)
		}
	}
	if _, ok := ParseNumberCode("y12"); ok {
		t.Error("got ok for a malformed code; want not ok")
	}
}

func TestSameTally(t *testing.T) {
	a := Tally{Responses: 1, Questions: map[string]QuestionTally{"q": {N: 1, Counts: map[string]int{"1": 1}}}}
	b := Tally{Responses: 1, Questions: map[string]QuestionTally{"q": {N: 1, Counts: map[string]int{"1": 1}, RankSums: map[string]int{}}}}
	c := Tally{Responses: 1, Questions: map[string]QuestionTally{"q": {N: 1, Counts: map[string]int{"2": 1}}}}
	if !SameTally(a, b) {
		t.Error("got different for empty vs missing maps; want same")
	}
	if SameTally(a, c) {
		t.Error("got same for different counts; want different")
	}
}

func TestEmptyListsAreNotAnswered(t *testing.T) {
	tests := []struct {
		name     string
		typ      string
		required bool
		json     string
		want     string // the message for answers.q, "" = not answered and valid
	}{
		{"an optional multi takes an empty list", Multi, false, `[]`, ""},
		{"an optional multi takes null", Multi, false, `null`, ""},
		{"a required multi refuses an empty list as unanswered", Multi, true, `[]`, msgRequired},
		{"an optional rank takes an empty list", Rank, false, `[]`, ""},
		{"a required rank refuses an empty list as unanswered", Rank, true, `[]`, msgRequired},
		{"an optional rank refuses a partial ranking and says it may be left empty", Rank, false, `["A"]`, "Ge alla 3 alternativ en plats, eller lämna frågan tom"},
		{"a required rank refuses a partial ranking", Rank, true, `["A","B"]`, "Ge alla 3 alternativ en plats"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Survey{Questions: []Question{{Key: "q", Type: tt.typ, Prompt: "?", Required: tt.required, Options: []string{"A", "B", "C"}}}}
			got, err := s.ParseAnswers(map[string]json.RawMessage{"q": json.RawMessage(tt.json)})
			msg := ""
			var v *ValidationError
			if errors.As(err, &v) {
				msg = v.For("answers.q")
			} else if err != nil {
				t.Fatalf("got %v; want a validation error or none", err)
			}
			if msg != tt.want {
				t.Errorf("got message %q; want %q", msg, tt.want)
			}
			if _, ok := got["q"]; ok && tt.want == "" {
				t.Errorf("got an answer %+v; want none", got["q"])
			}
		})
	}
}
