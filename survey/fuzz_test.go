package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// fuzzSurvey is the open survey of every type that the fuzz targets answer.
func fuzzSurvey(t testing.TB) *Survey {
	d := validDefinition()
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	return &Survey{ID: "s1", Status: Open, Villages: d.Villages, Questions: d.Questions}
}

// checkAnswers holds for whatever was accepted: only the survey's questions,
// each answer valid for its question, and countable without a panic; and
// whatever was refused is a ValidationError naming answers.<key> fields.
func checkAnswers(t *testing.T, s *Survey, answers map[string]Answer, err error) {
	t.Helper()
	if err != nil {
		var verr *ValidationError
		if !errors.As(err, &verr) || len(verr.Fields) == 0 {
			t.Fatalf("got error %v; want a ValidationError with fields", err)
		}
		for _, f := range verr.Fields {
			if !strings.HasPrefix(f.Field, "answers.") || f.Message == "" {
				t.Fatalf("got field error %+v; want answers.<key> with a message", f)
			}
		}
		return
	}
	for key, a := range answers {
		q := s.Question(key)
		if q == nil {
			t.Fatalf("accepted an answer to unknown question %q", key)
		}
		if msg := q.check(a); msg != "" {
			t.Fatalf("accepted %+v for %s, which check refuses: %s", a, key, msg)
		}
	}
	for path := range Increments(s, answers) {
		if strings.Contains(path, "$") || strings.Contains(path, "..") {
			t.Fatalf("count path %q is not a safe document path", path)
		}
	}
	var tally Tally
	tally.Add(s, answers)
}

// FuzzParseAnswers throws arbitrary JSON at the response decoder and validator.
func FuzzParseAnswers(f *testing.F) {
	for _, seed := range []string{
		`{"q1":"Ja","q3":4}`,
		`{"q1":"Nej","q2":["A","C"],"q3":1,"q4":["Z","X","Y"],"q5":7.5,"q6":"hej"}`,
		`{"q1":{"$gt":""}}`, `{"$where":"1"}`, `{"q1.x":"Ja"}`, `{"q2":["A","A"]}`,
		`{"q3":5.5}`, `{"q5":1e309}`, `{"q4":["X"]}`, `{"q6":"` + strings.Repeat("å", 3000) + `"}`,
		`{"q1":null,"q3":null}`, `[]`, `"x"`,
	} {
		f.Add([]byte(seed))
	}
	s := fuzzSurvey(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var raw map[string]json.RawMessage
		if json.Unmarshal(body, &raw) != nil {
			return
		}
		answers, err := s.ParseAnswers(raw)
		checkAnswers(t, s, answers, err)
	})
}

// FuzzParseForm throws arbitrary form bodies at the phone form's parser.
func FuzzParseForm(f *testing.F) {
	for _, seed := range []string{
		"q_q1=Ja&q_q3=4",
		"q_q1=Nej&q_q2=A&q_q2=C&q_q3=1&q_q4_0=3&q_q4_1=1&q_q4_2=2&q_q5=7,5&q_q6=hej",
		"q_q1[$gt]=&q_q3=4", "q_q1=Ja&q_q1=Nej&q_q3=2", "q_q4_0=1&q_q4_1=1&q_q4_2=1&q_q1=Ja&q_q3=3",
		"q_q5=NaN&q_q1=Ja&q_q3=3", "q_q5=1e400&q_q1=Ja&q_q3=3", "%zz", "q_q3=0x10",
	} {
		f.Add(seed)
	}
	s := fuzzSurvey(f)
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		answers, err := s.ParseForm(form)
		checkAnswers(t, s, answers, err)
	})
}

// FuzzDefinitionCheck throws arbitrary survey definitions at Check: what it
// accepts has well-formed, distinct keys and options and applies to a survey.
func FuzzDefinitionCheck(f *testing.F) {
	good, _ := json.Marshal(validDefinition())
	f.Add(good)
	for _, seed := range []string{
		`{"title":"T","villages":["aby"],"questions":[{"key":"q1","type":"single","prompt":"?","options":["a","a"]}]}`,
		`{"title":"T","villages":["aby"],"questions":[{"key":"$gt","type":"text","prompt":"?"}]}`,
		`{"title":"T","villages":["aby"],"questions":[{"key":"a.b","type":"text","prompt":"?"}]}`,
		`{"title":"T","villages":["aby"],"questions":[{"key":"q","type":"number","prompt":"?","min":5,"max":1}]}`,
		`{"title":"T","villages":["aby"],"questions":[{"key":"q","type":"multi","prompt":"?","options":["a","b"],"max":1.5}]}`,
		`{"title":{"$gt":""},"villages":[],"questions":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var d Definition
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if dec.Decode(&d) != nil {
			return
		}
		err := d.Check()
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) == 0 {
				t.Fatalf("got error %v; want a ValidationError with fields", err)
			}
			return
		}
		keys := map[string]bool{}
		for _, q := range d.Questions {
			if !keyPattern.MatchString(q.Key) || keys[q.Key] {
				t.Fatalf("accepted question key %q (duplicate %v)", q.Key, keys[q.Key])
			}
			keys[q.Key] = true
			seen := map[string]bool{}
			for _, o := range q.Options {
				if o == "" || seen[strings.ToLower(o)] {
					t.Fatalf("accepted option %q of %s", o, q.Key)
				}
				seen[strings.ToLower(o)] = true
			}
		}
		s := Survey{Status: Draft}
		if err := s.Apply(d); err != nil {
			t.Fatalf("a checked definition does not apply: %v", err)
		}
	})
}
