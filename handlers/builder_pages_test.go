package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
)

// builderDraft makes village Åby and a draft with a single, a text and a
// likert question through the pages; it returns the draft's id.
func (ta *testApp) builderDraft(a account) string {
	ta.t.Helper()
	ta.page("POST", "/admin/byar", ta.account(survey.RoleAdmin), url.Values{"name": {"Åby"}})
	_, _, h := ta.page("POST", "/enkater/ny", a, url.Values{"title": {"Byns framtid"}, "villages": {"aby"}, "access": {"link"}})
	id := location.FindStringSubmatch(h.Get("Location"))[1]
	for _, q := range []url.Values{
		{"prompt": {"Viktigast?"}, "type": {"single"}, "options": {"Skola\nVäg"}},
		{"prompt": {"Övrigt?"}, "type": {"text"}, "max": {"20"}},
		{"prompt": {"Bra buss?"}, "type": {"likert"}},
	} {
		if code, b, _ := ta.page("POST", "/enkater/"+id+"/fragor", a, q); code != http.StatusSeeOther {
			ta.t.Fatalf("add %v: got %d %s", q, code, b)
		}
	}
	return id
}

func (ta *testApp) surveyOf(a account, id string) survey.Survey {
	ta.t.Helper()
	_, b := ta.do("GET", "/api/v1/surveys/"+id, a.token, nil)
	return decode[survey.Survey](ta.t, b)
}

func TestAQuestionOfADraftIsEditedInPlace(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)

	code, page, _ := ta.page("GET", "/enkater/"+id+"/fragor/q1", off, nil)
	for _, want := range []string{`action="/enkater/` + id + `/fragor/q1"`, `value="Viktigast?"`, "Skola\nVäg"} {
		if code != 200 || !strings.Contains(string(page), want) {
			t.Errorf("edit page: got %d; want 200 with %q", code, want)
		}
	}
	cases := []struct {
		name      string
		form      url.Values
		wantCode  int
		wantField string
		wantQ     survey.Question
	}{
		{name: "prompt, type, options and required change; key and place stay",
			form:     url.Values{"prompt": {"Vad är viktigast?"}, "type": {"multi"}, "options": {"Skola\nVäg\nBuss"}, "max": {"2"}, "required": {"on"}},
			wantCode: http.StatusSeeOther, wantQ: survey.Question{Key: "q1", Type: survey.Multi, Prompt: "Vad är viktigast?", Required: true}},
		{name: "a single question with one option is refused with the field named",
			form: url.Values{"prompt": {"X"}, "type": {"single"}, "options": {"Bara en"}}, wantCode: http.StatusUnprocessableEntity, wantField: `id="options-err"`,
			wantQ: survey.Question{Key: "q1", Type: survey.Multi, Prompt: "Vad är viktigast?", Required: true}},
		{name: "a limit that is not a number is refused",
			form: url.Values{"prompt": {"Övrigt?"}, "type": {"single"}, "options": {"a\nb"}, "max": {"många"}}, wantCode: http.StatusUnprocessableEntity, wantField: `id="max-err"`,
			wantQ: survey.Question{Key: "q1", Type: survey.Multi, Prompt: "Vad är viktigast?", Required: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("POST", "/enkater/"+id+"/fragor/q1", off, tc.form)
			if code != tc.wantCode || (tc.wantField != "" && !strings.Contains(string(page), tc.wantField)) {
				t.Errorf("got %d; want %d %s", code, tc.wantCode, tc.wantField)
			}
			sv := ta.surveyOf(off, id)
			q := sv.Questions[0]
			if len(sv.Questions) != 3 || q.Key != tc.wantQ.Key || q.Type != tc.wantQ.Type || q.Prompt != tc.wantQ.Prompt || q.Required != tc.wantQ.Required {
				t.Errorf("got first question %s %s %q required=%v of %d; want %+v first of 3", q.Key, q.Type, q.Prompt, q.Required, len(sv.Questions), tc.wantQ)
			}
		})
	}
	t.Run("the builder shows each question's limits", func(t *testing.T) {
		_, page, _ := ta.page("GET", "/enkater/"+id, off, nil)
		for _, want := range []string{"Högst 20 tecken", "Högst 2 val"} {
			if !strings.Contains(string(page), want) {
				t.Errorf("got a builder without %q", want)
			}
		}
	})
	t.Run("an open survey's questions cannot be edited", func(t *testing.T) {
		if code, _, _ := ta.page("POST", "/enkater/"+id+"/oppna", off, nil); code != http.StatusSeeOther {
			t.Fatalf("open: got %d", code)
		}
		code, _, _ := ta.page("POST", "/enkater/"+id+"/fragor/q3", off, url.Values{"prompt": {"Ändrad"}, "type": {"likert"}})
		if code != http.StatusConflict || ta.surveyOf(off, id).Questions[2].Prompt != "Bra buss?" {
			t.Errorf("got %d; want 409 and the question unchanged", code)
		}
	})
}

func TestASurveyIsCopiedToANewDraft(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)
	ta.page("POST", "/enkater/"+id+"/oppna", off, nil)
	code, _, h := ta.page("POST", "/enkater/"+id+"/kopiera", off, nil)
	m := location.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil || m[1] == id {
		t.Fatalf("got %d to %q; want 303 to a new survey", code, h.Get("Location"))
	}
	cp, orig := ta.surveyOf(off, m[1]), ta.surveyOf(off, id)
	if cp.Status != survey.Draft || cp.Title != "Kopia av Byns framtid" || len(cp.Questions) != 3 || cp.Questions[1].Prompt != "Övrigt?" || strings.Join(cp.Villages, ",") != "aby" {
		t.Errorf("got %s %q with %d questions for %v; want a draft Kopia av Byns framtid with the 3 questions for aby", cp.Status, cp.Title, len(cp.Questions), cp.Villages)
	}
	if orig.Status != survey.Open {
		t.Errorf("got the original %s; want it still open", orig.Status)
	}
	forum := ta.account(survey.RoleForum)
	if code, _, _ := ta.page("POST", "/enkater/"+id+"/kopiera", forum, nil); code != http.StatusForbidden {
		t.Errorf("forum member copying: got %d; want 403", code)
	}
}

func TestThePreviewShowsThePhonePageAndSendsNothing(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)
	path := "/enkater/" + id + "/forhandsvisning/aby"
	cases := []struct {
		name string
		as   account
		want int
	}{
		{"an official sees the draft's phone page", off, 200},
		{"a forum member may not", ta.account(survey.RoleForum), 403},
		{"a representative of another village may not", ta.account(survey.RoleRepresentative, "backby"), 403},
		{"an anonymous visitor must sign in", account{}, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("GET", path, tc.as, nil)
			if code != tc.want {
				t.Fatalf("got %d; want %d", code, tc.want)
			}
			if code != 200 {
				return
			}
			p := string(page)
			for _, want := range []string{"Viktigast?", "Förhandsvisning för personal", "disabled"} {
				if !strings.Contains(p, want) {
					t.Errorf("got a preview without %q", want)
				}
			}
			if strings.Contains(p, `name="_token"`) || strings.Contains(p, "data-autosave") {
				t.Error("got a form token or autosave; want a form that cannot be sent")
			}
		})
	}
	if code, _, _ := ta.page("GET", "/enkater/"+id+"/forhandsvisning/nowhere", off, nil); code != 404 {
		t.Errorf("a village not in the survey: got %d; want 404", code)
	}
	if n := ta.surveyOf(off, id).Responses; n != nil && *n != 0 {
		t.Errorf("got %d responses; want none counted", *n)
	}
}

func TestOpeningAndClosingTimesAreSetInStockholmTime(t *testing.T) {
	ta := newTestApp(t) // 2026-03-10 09:00 UTC
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)
	path := "/enkater/" + id + "/schema"
	cases := []struct {
		name         string
		form         url.Values
		want         int
		wantField    string
		wantOpensUTC string
	}{
		{"a closing time before the opening time is refused", url.Values{"opens_at": {"2026-03-20T08:00"}, "closes_at": {"2026-03-19T08:00"}}, 422, `id="closes_at-err"`, ""},
		{"a time that is not one is refused", url.Values{"opens_at": {"i morgon"}}, 422, `id="opens_at-err"`, ""},
		{"winter time: 08:00 in Stockholm is 07:00 UTC", url.Values{"opens_at": {"2026-03-20T08:00"}, "closes_at": {"2026-04-20T20:00"}}, 303, "", "2026-03-20T07:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("POST", path, off, tc.form)
			if code != tc.want || (tc.wantField != "" && !strings.Contains(string(page), tc.wantField)) {
				t.Errorf("got %d; want %d %s", code, tc.want, tc.wantField)
			}
			sv := ta.surveyOf(off, id)
			got := ""
			if sv.OpensAt != nil {
				got = sv.OpensAt.UTC().Format(time.RFC3339)
			}
			if got != tc.wantOpensUTC {
				t.Errorf("got opens_at %q; want %q", got, tc.wantOpensUTC)
			}
		})
	}
	t.Run("summer time: the closing time 20:00 is 18:00 UTC and the form shows it as typed", func(t *testing.T) {
		sv := ta.surveyOf(off, id)
		if sv.ClosesAt == nil || sv.ClosesAt.UTC().Format(time.RFC3339) != "2026-04-20T18:00:00Z" {
			t.Errorf("got closes_at %v; want 2026-04-20T18:00:00Z", sv.ClosesAt)
		}
		_, page, _ := ta.page("GET", "/enkater/"+id, off, nil)
		if !strings.Contains(string(page), `value="2026-04-20T20:00"`) {
			t.Error("got the form without the closing time in Stockholm time")
		}
	})
}

func TestAClosedSurveyIsReopenedAndTheLogSaysWho(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)
	if code, _, _ := ta.page("POST", "/enkater/"+id+"/ateroppna", off, nil); code != http.StatusConflict {
		t.Errorf("reopening a draft: got %d; want 409", code)
	}
	ta.page("POST", "/enkater/"+id+"/oppna", off, nil)
	ta.page("POST", "/enkater/"+id+"/stang", off, url.Values{"confirm": {"yes"}})
	if code, _, _ := ta.page("POST", "/enkater/"+id+"/ateroppna", off, nil); code != http.StatusSeeOther {
		t.Fatalf("reopen: got %d; want 303", code)
	}
	if sv := ta.surveyOf(off, id); sv.Status != survey.Open || sv.Closed != nil {
		t.Errorf("got %s closed at %v; want open", sv.Status, sv.Closed)
	}
	_, page, _ := ta.page("GET", "/admin/logg", ta.account(survey.RoleAdmin), nil)
	if !strings.Contains(string(page), "enkät öppnad igen") || !strings.Contains(string(page), off.user.Email) {
		t.Error("got a log without the reopening and who did it")
	}
}
