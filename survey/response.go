package survey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Channels through which a response arrives.
const (
	ChannelWeb   = "web"
	ChannelAPI   = "api"
	ChannelPaper = "paper"
)

// Answer is one answer to one question. Which field is set depends on the
// question's type: Option (single), Options (multi; rank in order, best
// first), Number (likert 1–5, number) or Text (text).
type Answer struct {
	Option  string   `json:"option,omitempty"`
	Options []string `json:"options,omitempty"`
	Number  *float64 `json:"number,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// Response is one resident's answers to one survey. It carries no personal
// data: no name, no address, no IP address.
type Response struct {
	ID        string            `json:"id"`
	Survey    string            `json:"survey"`
	Village   string            `json:"village"`
	Channel   string            `json:"channel"`
	Answers   map[string]Answer `json:"answers"`
	Submitted time.Time         `json:"submitted"`
}

// ResponseInput is what a resident (or an API client) sends.
type ResponseInput struct {
	Village string                     `json:"village"`
	Code    string                     `json:"code,omitempty"`
	Answers map[string]json.RawMessage `json:"answers"`
}

// Messages shared by the JSON and form decoders.
const (
	msgRequired = "Frågan måste besvaras"
	msgUnknown  = "Okänd fråga"
	msgOption   = "Välj ett av svarsalternativen"
)

// ParseAnswers decodes and checks JSON answers against the survey's questions.
// Every problem is reported with its field ("answers.q3").
func (s *Survey) ParseAnswers(raw map[string]json.RawMessage) (map[string]Answer, error) {
	v := &ValidationError{}
	for key := range raw {
		if s.Question(key) == nil {
			v.Add("answers."+key, msgUnknown)
		}
	}
	answers := make(map[string]Answer, len(s.Questions))
	for i := range s.Questions {
		q := &s.Questions[i]
		field := "answers." + q.Key
		msg, present := "", false
		var a Answer
		if r, ok := raw[q.Key]; ok && !isNull(r) {
			a, msg = q.decodeJSON(r)
			present = msg == "" && !a.empty()
			if present {
				msg = q.check(a)
			}
		}
		switch {
		case msg != "":
			v.Add(field, msg)
		case present:
			answers[q.Key] = a
		case q.Required:
			v.Add(field, msgRequired)
		}
	}
	return answers, v.Err()
}

// ParseForm decodes and checks answers from a submitted HTML form: field
// "q_<key>" holds the value (several for multi); a rank question has one field
// "q_<key>_<i>" per option holding that option's position.
func (s *Survey) ParseForm(form map[string][]string) (map[string]Answer, error) {
	v := &ValidationError{}
	answers := make(map[string]Answer, len(s.Questions))
	for i := range s.Questions {
		q := &s.Questions[i]
		field := "answers." + q.Key
		a, msg := q.decodeForm(form)
		if msg == "" && !a.empty() {
			msg = q.check(a)
		}
		switch {
		case msg != "":
			v.Add(field, msg)
		case !a.empty():
			answers[q.Key] = a
		case q.Required:
			v.Add(field, msgRequired)
		}
	}
	return answers, v.Err()
}

func isNull(r json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(r), []byte("null")) }

func (a Answer) empty() bool {
	return a.Option == "" && len(a.Options) == 0 && a.Number == nil && a.Text == ""
}

// decodeJSON reads the JSON value of an answer of q's type.
func (q *Question) decodeJSON(r json.RawMessage) (Answer, string) {
	switch q.Type {
	case Single:
		var s string
		if json.Unmarshal(r, &s) != nil {
			return Answer{}, "Svaret ska vara ett av alternativen, som text"
		}
		return Answer{Option: s}, ""
	case Multi, Rank:
		var list []string
		if json.Unmarshal(r, &list) != nil {
			return Answer{}, "Svaret ska vara en lista med alternativ"
		}
		// An empty list is "not answered", as null and leaving the key out
		// are: an optional question takes it, a required one says so.
		return Answer{Options: list}, ""
	case Likert, Number:
		var f float64
		if json.Unmarshal(r, &f) != nil {
			if q.Type == Likert {
				return Answer{}, "Svaret ska vara ett heltal från 1 till 5"
			}
			return Answer{}, "Svaret ska vara ett tal"
		}
		return Answer{Number: &f}, ""
	case Text:
		var s string
		if json.Unmarshal(r, &s) != nil {
			return Answer{}, "Svaret ska vara text"
		}
		return Answer{Text: strings.TrimSpace(s)}, ""
	}
	return Answer{}, "Okänd frågetyp"
}

// decodeForm reads the form value(s) of an answer of q's type.
func (q *Question) decodeForm(form map[string][]string) (Answer, string) {
	name := "q_" + q.Key
	first := ""
	if vs := form[name]; len(vs) > 0 {
		first = strings.TrimSpace(vs[0])
	}
	switch q.Type {
	case Single:
		return Answer{Option: first}, ""
	case Multi:
		var list []string
		for _, o := range form[name] {
			if o = strings.TrimSpace(o); o != "" {
				list = append(list, o)
			}
		}
		return Answer{Options: list}, ""
	case Rank:
		return q.decodeRankForm(form)
	case Likert, Number:
		if first == "" {
			return Answer{}, ""
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(first, ",", "."), " ", ""), 64)
		if err != nil {
			if q.Type == Likert {
				return Answer{}, "Välj ett värde från 1 till 5"
			}
			return Answer{}, "Skriv ett tal, till exempel 12 eller 3,5"
		}
		return Answer{Number: &f}, ""
	case Text:
		return Answer{Text: first}, ""
	}
	return Answer{}, "Okänd frågetyp"
}

// decodeRankForm turns per-option positions into the options in order. No
// position given at all is "not answered"; some given is an incomplete answer.
func (q *Question) decodeRankForm(form map[string][]string) (Answer, string) {
	order := make([]string, len(q.Options))
	given := 0
	for i, o := range q.Options {
		vs := form[fmt.Sprintf("q_%s_%d", q.Key, i)]
		if len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		given++
		pos, err := strconv.Atoi(strings.TrimSpace(vs[0]))
		if err != nil || pos < 1 || pos > len(order) {
			return Answer{}, fmt.Sprintf("Ge varje alternativ en plats från 1 till %d", len(order))
		}
		if order[pos-1] != "" {
			return Answer{}, "Varje plats får bara användas en gång"
		}
		order[pos-1] = o
	}
	if given == 0 {
		return Answer{}, ""
	}
	if given < len(order) {
		return Answer{}, q.partialRankMessage()
	}
	return Answer{Options: order}, ""
}

// check applies q's rules to a decoded, non-empty answer.
func (q *Question) check(a Answer) string {
	switch q.Type {
	case Single:
		if q.optionIndex(a.Option) < 0 {
			return msgOption
		}
	case Multi:
		if q.Max != nil && len(a.Options) > int(*q.Max) {
			return fmt.Sprintf("Välj högst %d alternativ", int(*q.Max))
		}
		if msg := q.distinctOptions(a.Options); msg != "" {
			return msg
		}
	case Rank:
		if len(a.Options) != len(q.Options) {
			return q.partialRankMessage()
		}
		if msg := q.distinctOptions(a.Options); msg != "" {
			return msg
		}
	case Likert:
		if n := *a.Number; n != math.Trunc(n) || n < 1 || n > 5 {
			return "Svaret ska vara ett heltal från 1 till 5"
		}
	case Number:
		n := *a.Number
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return "Svaret ska vara ett tal"
		}
		if q.Min != nil && n < *q.Min {
			return "Talet får inte vara mindre än " + FormatNumber(*q.Min)
		}
		if q.Max != nil && n > *q.Max {
			return "Talet får inte vara större än " + FormatNumber(*q.Max)
		}
	case Text:
		max := DefaultTextMax
		if q.Max != nil {
			max = int(*q.Max)
		}
		if !utf8.ValidString(a.Text) {
			return "Texten innehåller ogiltiga tecken"
		}
		if n := utf8.RuneCountInString(a.Text); n > max {
			return fmt.Sprintf("Svaret får vara högst %d tecken (nu %d)", max, n)
		}
	}
	return ""
}

// partialRankMessage refuses a ranking that leaves options out. A ranking
// places every option, so that each option's mean place is over the same
// respondents (STATS.md); an optional question may instead be left empty,
// and the message says so.
func (q *Question) partialRankMessage() string {
	if q.Required {
		return fmt.Sprintf("Ge alla %d alternativ en plats", len(q.Options))
	}
	return fmt.Sprintf("Ge alla %d alternativ en plats, eller lämna frågan tom", len(q.Options))
}

func (q *Question) distinctOptions(list []string) string {
	seen := make(map[string]bool, len(list))
	for _, o := range list {
		if q.optionIndex(o) < 0 {
			return msgOption
		}
		if seen[o] {
			return "Samma alternativ får bara väljas en gång"
		}
		seen[o] = true
	}
	return ""
}

func (q *Question) optionIndex(o string) int {
	for i, opt := range q.Options {
		if opt == o {
			return i
		}
	}
	return -1
}

// FormatNumber writes a number the Swedish way: decimal comma, no trailing zeros.
func FormatNumber(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}
