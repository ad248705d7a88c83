package survey

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCodesAvoidLookAlikesAndNormalise(t *testing.T) {
	for i := 0; i < 500; i++ {
		c := NewCode()
		if len(c) != 9 || c[4] != '-' || strings.ContainsAny(c, "0O1IlLUV") {
			t.Fatalf("got %q; want ABCD-EFGH without 0, O, 1, I, L, U, V", c)
		}
		if NormalizeCode(c) != strings.Replace(c, "-", "", 1) {
			t.Fatalf("got %q for %q; want it without the dash", NormalizeCode(c), c)
		}
	}
	tests := []struct{ in, want string }{
		{"abcd-efgh", "ABCDEFGH"},
		{" ABCD EFGH ", "ABCDEFGH"},
		{"AB-CD-EF-GH", "ABCDEFGH"},
		{"ABCD-EFG", ""},   // too short
		{"ABCD-EFG0", ""},  // 0 is not in the alphabet
		{"ABCD-EFGHJ", ""}, // too long
		{"ÅBCD-EFGH", ""},  // not ASCII
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q normalises to %q", tt.in, tt.want), func(t *testing.T) {
			if got := NormalizeCode(tt.in); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

func TestPolicyTable(t *testing.T) {
	rep := &User{ID: "r", Role: RoleRepresentative, Villages: []string{"aby"}, Active: true}
	tests := []struct {
		name     string
		user     *User
		action   Action
		villages []string
		want     bool
	}{
		{"nobody signed in", nil, ReadVillages, nil, false},
		{"an inactive administrator", &User{Role: RoleAdmin}, ManageUsers, nil, false},
		{"an administrator managing users", &User{Role: RoleAdmin, Active: true}, ManageUsers, nil, true},
		{"an official managing users", &User{Role: RoleOfficial, Active: true}, ManageUsers, nil, false},
		{"a politician managing any village's survey", &User{Role: RolePolitician, Active: true}, ManageSurvey, []string{"x"}, true},
		{"a politician entering paper responses", &User{Role: RolePolitician, Active: true}, EnterPaperResponse, []string{"x"}, false},
		{"a representative managing their village's survey", rep, ManageSurvey, []string{"aby"}, true},
		{"a representative managing a survey also for another village", rep, ManageSurvey, []string{"aby", "backby"}, false},
		{"a representative reading a survey also for their village", rep, ReadSurveyResults, []string{"aby", "backby"}, true},
		{"a representative reading another village's survey", rep, ReadSurveyResults, []string{"backby"}, false},
		{"the forum reading comparisons", &User{Role: RoleForum, Active: true}, ReadComparison, []string{"x"}, true},
		{"the forum managing a survey", &User{Role: RoleForum, Active: true}, ManageSurvey, nil, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s is %v", tt.name, tt.want), func(t *testing.T) {
			if got := Can(tt.user, tt.action, tt.villages...); got != tt.want {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestUserChanges(t *testing.T) {
	str := func(s string) *string { return &s }
	no := false
	admin := &User{ID: "a", Role: RoleAdmin, Active: true}
	tests := []struct {
		name  string
		user  User
		ch    UserChange
		by    *User
		field string
	}{
		{"a representative becomes an official and loses the villages", User{ID: "u", Role: RoleRepresentative, Villages: []string{"aby"}, Active: true}, UserChange{Role: str(RoleOfficial)}, admin, ""},
		{"an official becomes a representative without villages", User{ID: "u", Role: RoleOfficial, Active: true}, UserChange{Role: str(RoleRepresentative)}, admin, "villages"},
		{"an administrator demotes themselves", *admin, UserChange{Role: str(RoleForum)}, admin, "role"},
		{"an administrator deactivates themselves", *admin, UserChange{Active: &no}, admin, "active"},
		{"a short new password", User{ID: "u", Role: RoleForum, Active: true}, UserChange{Password: str("kort")}, admin, "password"},
		{"an unknown role", User{ID: "u", Role: RoleForum, Active: true}, UserChange{Role: str("kung")}, admin, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			_, err := tt.ch.Apply(&u, tt.by)
			var verr *ValidationError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("got %v; want no error", err)
			case tt.field == "" && len(u.Villages) != 0:
				t.Errorf("got villages %v; want none", u.Villages)
			case tt.field != "" && (!errors.As(err, &verr) || verr.For(tt.field) == ""):
				t.Errorf("got %v; want an error for %s", err, tt.field)
			}
		})
	}
}

func TestBuilderChangesADraftStepByStep(t *testing.T) {
	sv, err := NewDraft(Details{Title: "Byns framtid", Villages: []string{"aby"}})
	if err != nil || sv.Access != AccessLink || len(sv.Questions) != 0 {
		t.Fatalf("got %+v, %v; want a link draft without questions", sv, err)
	}
	if err := sv.ReadyToOpen(); err == nil {
		t.Error("got a draft without questions ready to open; want not")
	}
	for _, q := range []Question{{Key: "a", Type: Likert, Prompt: "A"}, {Key: "b", Type: Text, Prompt: "B"}, {Key: "c", Type: Single, Prompt: "C", Options: []string{"x", "y"}}} {
		if err := sv.AddQuestion(q); err != nil {
			t.Fatalf("add %s: %v", q.Key, err)
		}
	}
	t.Run("a question is checked as part of the whole survey", func(t *testing.T) {
		err := sv.AddQuestion(Question{Key: "a", Type: Single, Prompt: "D", Options: []string{"x"}})
		var verr *ValidationError
		if !errors.As(err, &verr) || verr.For("key") == "" || verr.For("options") == "" || len(sv.Questions) != 3 {
			t.Errorf("got %v with %d questions; want key and options errors and 3 questions", err, len(sv.Questions))
		}
	})
	_ = sv.MoveQuestion("c", -1)
	_ = sv.MoveQuestion("a", -1) // already first
	_ = sv.RemoveQuestion("b")
	var keys []string
	for _, q := range sv.Questions {
		keys = append(keys, q.Key)
	}
	if got := strings.Join(keys, ","); got != "a,c" {
		t.Errorf("got %s; want a,c", got)
	}
	if sv.Question("b") != nil || sv.Questions[0].Key != "a" {
		t.Error("got b still there; want it removed")
	}
	_ = sv.Open(sv.Created)
	if err := sv.AddQuestion(Question{Key: "z", Type: Likert, Prompt: "Z"}); !errors.Is(err, ErrConflict) {
		t.Errorf("adding to an open survey: got %v; want ErrConflict", err)
	}
}

// BenchmarkHashPassword measures one argon2id hash with the service's
// parameters (64 MiB, 1 pass, 2 lanes): the cost of a sign-in.
func BenchmarkHashPassword(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := HashPassword("ett långt lösenord"); err != nil {
			b.Fatal(err)
		}
	}
}
