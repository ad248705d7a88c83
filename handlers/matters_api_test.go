package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

type matterJSON struct {
	ID          string `json:"id"`
	Ref         string `json:"ref"`
	Village     string `json:"village"`
	Status      string `json:"status"`
	RaisedOn    string `json:"raised_on"`
	FeedbackDue string `json:"feedback_due"`
	Department  string `json:"department"`
	Escalation  int    `json:"escalation"`
	Overdue     bool   `json:"overdue"`
	Steps       []struct {
		By   string `json:"by"`
		Move string `json:"move"`
		Text string `json:"text"`
	} `json:"steps"`
}

// mattersApp is plansApp with a department (returned by id).
func mattersApp(t *testing.T) (*testApp, string) {
	t.Helper()
	ta := plansApp(t)
	d := survey.Department{Name: "Teknik", Email: "teknik@example.se", HeadEmail: "chef@example.se"}
	if err := storage.NewPlans(ta.db).AddDepartment(context.Background(), &d); err != nil {
		t.Fatal(err)
	}
	return ta, d.ID
}

func TestMatterWalksItsWholeLife(t *testing.T) {
	ta, dep := mattersApp(t)
	rep := ta.account(survey.RoleRepresentative, "aby")
	off := ta.account(survey.RoleOfficial)
	b := ta.mustDo("POST", "/api/v1/matters", rep.token, map[string]any{"village": "aby", "title": "Gatlyktor", "description": "Trasiga sedan i höstas"}, http.StatusCreated)
	m := decode[matterJSON](t, b)
	if m.Ref != "2026-001" || m.Status != survey.MatterRegistered || m.RaisedOn != "2026-03-10" || m.FeedbackDue != "2026-04-09" {
		t.Fatalf("got %+v; want 2026-001 registered, raised 2026-03-10, due 2026-04-09", m)
	}
	path := "/api/v1/matters/" + m.ID
	ta.mustDo("POST", path+"/answer", off.token, map[string]any{"text": "För tidigt"}, http.StatusConflict)
	ta.mustDo("POST", path+"/forward", off.token, map[string]any{"department": "nope"}, http.StatusUnprocessableEntity)
	ta.mustDo("POST", path+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	ta.mustDo("POST", path+"/answer", off.token, map[string]any{}, http.StatusUnprocessableEntity)
	ta.mustDo("POST", path+"/answer", off.token, map[string]any{"text": "Lagas i april."}, http.StatusOK)
	ta.mustDo("POST", path+"/reopen", rep.token, map[string]any{}, http.StatusUnprocessableEntity)
	ta.mustDo("POST", path+"/reopen", rep.token, map[string]any{"reason": "Inget hände"}, http.StatusOK)
	ta.mustDo("POST", path+"/answer", off.token, map[string]any{"text": "Nu är de lagade."}, http.StatusOK)
	ta.mustDo("POST", path+"/confirm", rep.token, nil, http.StatusOK)
	ta.mustDo("POST", path+"/reopen", rep.token, map[string]any{"reason": "x"}, http.StatusConflict)
	got := decode[matterJSON](t, ta.mustDo("GET", path, off.token, nil, http.StatusOK))
	var moves []string
	for _, s := range got.Steps {
		moves = append(moves, s.Move)
	}
	if want := "register forward answer reopen answer confirm"; strings.Join(moves, " ") != want || got.Status != survey.MatterConfirmed {
		t.Errorf("got %s with steps %v; want confirmed with %s", got.Status, moves, want)
	}
	if got.Steps[0].By != rep.user.ID || got.Steps[2].By != off.user.ID {
		t.Errorf("got steps by %q and %q; want the representative and the official", got.Steps[0].By, got.Steps[2].By)
	}
	entries, _ := storage.NewAudit(ta.db).Before(context.Background(), "", 100)
	audited := map[string]bool{}
	for _, e := range entries {
		audited[e.Action] = true
	}
	for _, a := range []string{auditMatterRaised, "matter.forward", "matter.answer", "matter.reopen", "matter.confirm"} {
		if !audited[a] {
			t.Errorf("got no audit entry %s; want one", a)
		}
	}
}

func TestRaisingAMatterChecksItsFields(t *testing.T) {
	ta, dep := mattersApp(t)
	rep := ta.account(survey.RoleRepresentative, "aby")
	off := ta.account(survey.RoleOfficial)
	tests := []struct {
		name  string
		token string
		body  any
		want  int
		field string
	}{
		{"raised_on in the future is 422 naming it", rep.token, map[string]any{"village": "aby", "title": "T", "raised_on": "2026-03-11"}, 422, "raised_on"},
		{"a paper-register date is kept", rep.token, map[string]any{"village": "aby", "title": "T", "raised_on": "2026-01-09"}, 201, ""},
		{"no title is 422", rep.token, map[string]any{"village": "aby"}, 422, "title"},
		{"an unknown village is 422", off.token, map[string]any{"village": "zzz", "title": "T"}, 422, "village"},
		{"an unknown department is 422", off.token, map[string]any{"village": "aby", "title": "T", "department": "x"}, 422, "department"},
		{"a known department is kept", off.token, map[string]any{"village": "aby", "title": "T", "department": dep}, 201, ""},
		{"an unknown focus area is 422", off.token, map[string]any{"village": "aby", "title": "T", "focus_area": "rymden"}, 422, "focus_area"},
		{"an action that does not exist is 422", off.token, map[string]any{"village": "aby", "title": "T", "source": map[string]any{"kind": "action", "id": "nope"}}, 422, "source.id"},
		{"a remiss that does not exist is 422", off.token, map[string]any{"village": "aby", "title": "T", "source": map[string]any{"kind": "remiss", "id": "nope"}}, 422, "source.id"},
		{"an unknown field is 400", off.token, map[string]any{"village": "aby", "title": "T", "colour": "red"}, 400, ""},
		{"another village's representative is 403", rep.token, map[string]any{"village": "bby", "title": "T"}, 403, ""},
		{"a date that is not a date is 422", rep.token, map[string]any{"village": "aby", "title": "T", "raised_on": "igår"}, 422, "raised_on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/matters", tt.token, tt.body)
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
			if tt.field != "" {
				if body := decode[errorBody](t, b); len(body.Errors) == 0 || body.Errors[0].Field != tt.field {
					t.Errorf("got errors %+v; want one on %s", body.Errors, tt.field)
				}
			}
		})
	}
}

func TestMatterListFiltersAndScopesRepresentatives(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	repA := ta.account(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Sen", "raised_on": "2026-01-09", "department": dep}, http.StatusCreated)
	ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "bby", "title": "Färsk"}, http.StatusCreated)
	tests := []struct {
		name, query, token string
		want               []string
	}{
		{"everything for an official", "", off.token, []string{"2026-002", "2026-001"}},
		{"by village", "?village=bby", off.token, []string{"2026-002"}},
		{"by department", "?department=" + dep, off.token, []string{"2026-001"}},
		{"overdue only", "?overdue=true", off.token, []string{"2026-001"}},
		{"by status", "?status=forwarded", off.token, nil},
		{"a representative sees their village's", "", repA.token, []string{"2026-001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := decode[[]matterJSON](t, ta.mustDo("GET", "/api/v1/matters"+tt.query, tt.token, nil, http.StatusOK))
			var refs []string
			for _, m := range list {
				refs = append(refs, m.Ref)
			}
			if strings.Join(refs, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v; want %v", refs, tt.want)
			}
		})
	}
	late := decode[[]matterJSON](t, ta.mustDo("GET", "/api/v1/matters?overdue=true", off.token, nil, http.StatusOK))
	if len(late) != 1 || late[0].Escalation != 2 {
		t.Errorf("a matter raised 60 days ago: got %+v; want escalation 2", late)
	}
	ta.mustDo("GET", "/api/v1/matters?status=lost", off.token, nil, http.StatusUnprocessableEntity)
	ta.mustDo("GET", "/api/v1/matters/2026-002", repA.token, nil, http.StatusForbidden)
	ta.mustDo("GET", "/api/v1/matters/2026-999", off.token, nil, http.StatusNotFound)
}

func TestRaisedMatterTellsTheContactPersonAndAnAnswerTheVillage(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	other := ta.account(survey.RoleOfficial)
	rep := ta.account(survey.RoleRepresentative, "aby")
	outbox := storage.NewOutbox(ta.db)
	cx := context.Background()
	ta.mustDo("PATCH", "/api/v1/users/"+off.user.ID, ta.account(survey.RoleAdmin).token, map[string]any{"contact_person": true}, http.StatusOK)
	m := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", rep.token, map[string]any{"village": "aby", "title": "Busshållplats"}, http.StatusCreated))
	msgs, _ := outbox.List(cx, "")
	if len(msgs) != 1 || msgs[0].To != off.user.Email || !strings.Contains(msgs[0].Subject, m.Ref) {
		t.Fatalf("after raising: got %+v; want one message to the contact person with the ref", msgs)
	}
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/answer", off.token, map[string]any{"text": "Flyttas i maj."}, http.StatusOK)
	msgs, _ = outbox.List(cx, "")
	to := map[string]string{}
	for _, msg := range msgs {
		to[msg.To] = msg.Body
	}
	if len(msgs) != 2 || !strings.Contains(to[rep.user.Email], "Flyttas i maj.") || to[other.user.Email] != "" {
		t.Errorf("after answering: got %+v; want a second message, to the representative, with the answer, and none to the official who is not the contact person", msgs)
	}
}
