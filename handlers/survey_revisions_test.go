package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestAStaleSurveySaveIsA409WithTheSavedSurvey: a save that names an older
// revision than the saved one changes nothing and answers the survey as it
// is now, so the client can show both.
func TestAStaleSurveySaveIsA409WithTheSavedSurvey(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)
	rev := ta.surveyOf(off, id).Revision
	if code, b := ta.do("PATCH", "/api/v1/surveys/"+id, off.token, map[string]any{"title": "Annas titel", "revision": rev}); code != 200 {
		t.Fatalf("first save: got %d %s; want 200", code, b)
	}
	cases := []struct {
		name, method, path string
		body               any
		headers            []string
	}{
		{"details on the old revision", "PATCH", "/api/v1/surveys/" + id, map[string]any{"title": "Bertils titel", "revision": rev}, nil},
		{"a question on the old revision", "PUT", "/api/v1/surveys/" + id + "/questions/q1",
			map[string]any{"type": "single", "prompt": "Bertils fråga", "options": []string{"A", "B"}, "revision": rev}, nil},
		{"the schedule on the old revision", "PUT", "/api/v1/surveys/" + id + "/schedule", map[string]any{"opens_at": "2026-04-01T08:00", "revision": rev}, nil},
		{"the whole definition on the old revision", "PUT", "/api/v1/surveys/" + id, map[string]any{"title": "Bertils", "villages": []string{"aby"},
			"questions": []map[string]any{{"key": "q1", "type": "likert", "prompt": "P"}}, "revision": rev}, nil},
		{"opening with If-Match of the old revision", "POST", "/api/v1/surveys/" + id + "/open", nil, []string{"If-Match", `"` + strconv.Itoa(rev) + `"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, b := ta.do(tc.method, tc.path, off.token, tc.body, tc.headers...)
			got := decode[map[string]any](t, b)
			cur, _ := got["current"].(map[string]any)
			if code != http.StatusConflict || got["error"] == nil || got["title"] != "Annas titel" || cur["title"] != "Annas titel" || got["revision"] != float64(rev+1) {
				t.Errorf("got %d %s; want 409 with an error and the saved survey (Annas titel, revision %d) also under current", code, b, rev+1)
			}
			sv := ta.surveyOf(off, id)
			if sv.Title != "Annas titel" || sv.Questions[0].Prompt != "Viktigast?" || sv.Status != survey.Draft || sv.OpensAt != nil || sv.Revision != rev+1 {
				t.Errorf("got stored %q %q %s revision %d; want Anna's save untouched", sv.Title, sv.Questions[0].Prompt, sv.Status, sv.Revision)
			}
		})
	}
	t.Run("a malformed If-Match is a 400 naming it", func(t *testing.T) {
		code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", off.token, nil, "If-Match", "igår")
		if code != http.StatusBadRequest || !strings.Contains(string(b), "If-Match") {
			t.Errorf("got %d %s; want 400 naming If-Match", code, b)
		}
	})
	t.Run("the current revision lands and moves on", func(t *testing.T) {
		code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", off.token, nil, "If-Match", `"`+strconv.Itoa(rev+1)+`"`)
		got := decode[map[string]any](t, b)
		if code != 200 || got["status"] != survey.Open || got["revision"] != float64(rev+2) {
			t.Errorf("got %d %s; want 200 open at revision %d", code, b, rev+2)
		}
	})
}

// TestSimultaneousSurveySavesThroughTheAPILoseNothing: eight officials send
// a change to the same draft at once, each without naming a revision. Each
// change is applied to the survey as read, and saved only if nobody saved in
// between: every 200 is in the stored survey, every other answer is a 409.
func TestSimultaneousSurveySavesThroughTheAPILoseNothing(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id := ta.builderDraft(off)
	before := ta.surveyOf(off, id).Revision
	const savers = 8
	codes := make([]int, savers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < savers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			codes[i], _ = ta.do("PATCH", "/api/v1/surveys/"+id, off.token, map[string]any{"title": "Titel " + strconv.Itoa(i)})
		}(i)
	}
	close(start)
	wg.Wait()
	won := 0
	for i, code := range codes {
		switch code {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("saver %d: got %d; want 200 or 409", i, code)
		}
	}
	sv := ta.surveyOf(off, id)
	if won < 1 || sv.Revision != before+won {
		t.Errorf("got %d saves answered 200 and the revision moved %d → %d; want as many revisions as 200s (none lost)", won, before, sv.Revision)
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(sv.Title, "Titel ")); err != nil || codes[n] != http.StatusOK {
		t.Errorf("got stored title %q; want one of a save answered 200", sv.Title)
	}
}

// TestAStaleSurveyFormShowsBothVersions: a page form made on an older
// revision is not saved over the newer one; the page shows the saved survey,
// a Swedish message, and the form with what the user typed.
func TestAStaleSurveyFormShowsBothVersions(t *testing.T) {
	ta := newTestApp(t)
	anna, bertil := ta.account(survey.RoleOfficial), ta.account(survey.RoleOfficial)
	id := ta.builderDraft(anna)
	_, page, _ := ta.page("GET", "/enkater/"+id+"/fragor/q1", bertil, nil)
	rev := strconv.Itoa(ta.surveyOf(anna, id).Revision)
	if !strings.Contains(string(page), `name="revision" value="`+rev+`"`) {
		t.Fatalf("got an edit form without the revision %s", rev)
	}
	if code, b, _ := ta.page("POST", "/enkater/"+id+"/fragor/q1", anna, url.Values{"prompt": {"Annas fråga"}, "type": {"single"}, "options": {"Skola\nVäg"}, "revision": {rev}}); code != http.StatusSeeOther {
		t.Fatalf("anna: got %d %s", code, b)
	}
	cases := []struct {
		name, path string
		form       url.Values
		typed      []string
	}{
		{"a question", "/enkater/" + id + "/fragor/q1", url.Values{"prompt": {"Bertils fråga"}, "type": {"single"}, "options": {"Buss\nTåg"}}, []string{`value="Bertils fråga"`, "Buss\nTåg"}},
		{"the details", "/enkater/" + id + "/detaljer", url.Values{"title": {"Bertils rubrik"}, "villages": {"aby"}, "access": {"link"}}, []string{`value="Bertils rubrik"`}},
		{"a new question", "/enkater/" + id + "/fragor", url.Values{"prompt": {"Bertils nya"}, "type": {"likert"}}, []string{`value="Bertils nya"`}},
		{"the schedule", "/enkater/" + id + "/schema", url.Values{"opens_at": {"2026-04-01T08:00"}}, []string{`value="2026-04-01T08:00"`}},
		{"opening", "/enkater/" + id + "/oppna", url.Values{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("revision", rev)
			code, page, _ := ta.page("POST", tc.path, bertil, tc.form)
			want := append([]string{"Någon annan har sparat enkäten medan du arbetade", "Annas fråga",
				`name="revision" value="` + strconv.Itoa(ta.surveyOf(anna, id).Revision) + `"`}, tc.typed...)
			for _, w := range want {
				if code != http.StatusConflict || !strings.Contains(string(page), w) {
					t.Errorf("got %d; want 409 with %q", code, w)
				}
			}
			sv := ta.surveyOf(anna, id)
			if sv.Questions[0].Prompt != "Annas fråga" || sv.Title != "Byns framtid" || len(sv.Questions) != 3 || sv.Status != survey.Draft || sv.OpensAt != nil {
				t.Errorf("got stored %q, %q, %d questions, %s; want Anna's save alone", sv.Title, sv.Questions[0].Prompt, len(sv.Questions), sv.Status)
			}
		})
	}
	t.Run("the English page says it too", func(t *testing.T) {
		code, page, _ := ta.page("POST", "/enkater/"+id+"/oppna", bertil, url.Values{"revision": {rev}}, "Cookie", "lang=en; "+sessionCookie+"="+bertil.session)
		if code != http.StatusConflict || !strings.Contains(string(page), "Someone else saved the survey while you were working") {
			t.Errorf("got %d; want 409 in English", code)
		}
	})
}
