package survey

import "testing"

func TestCan(t *testing.T) {
	user := func(role string, villages ...string) *User {
		return &User{Role: role, Villages: villages, Active: true}
	}
	rep := user(RoleRepresentative, "aby")
	inactive := user(RoleAdmin)
	inactive.Active = false
	tests := []struct {
		name     string
		u        *User
		action   Action
		villages []string
		want     bool
	}{
		{"anonymous may do nothing", nil, ReadComparison, nil, false},
		{"a deactivated admin may do nothing", inactive, ManageUsers, nil, false},
		{"an admin manages users", user(RoleAdmin), ManageUsers, nil, true},
		{"an official may not manage users", user(RoleOfficial), ManageUsers, nil, false},
		{"an official manages surveys of any village", user(RoleOfficial), ManageSurvey, []string{"aby", "bby"}, true},
		{"a politician manages proposals", user(RolePolitician), ManageProposals, nil, true},
		{"a representative manages surveys of their village", rep, ManageSurvey, []string{"aby"}, true},
		{"a representative may not manage a survey that includes another village", rep, ManageSurvey, []string{"aby", "bby"}, false},
		{"a representative answers remisses for their village", rep, AnswerRemiss, []string{"aby"}, true},
		{"a representative may not answer for another village", rep, AnswerRemiss, []string{"bby"}, false},
		{"a representative reads results of a survey with their village", rep, ReadSurveyResults, []string{"aby", "bby"}, true},
		{"a representative may not read another village's survey", rep, ReadSurveyResults, []string{"bby"}, false},
		{"forum reads comparisons", user(RoleForum), ReadComparison, []string{"aby"}, true},
		{"forum may not manage surveys", user(RoleForum), ManageSurvey, []string{"aby"}, false},
		{"an official may not answer remisses", user(RoleOfficial), AnswerRemiss, []string{"aby"}, false},
		{"a representative reads the service plan", rep, ReadServicePlan, nil, true},
		{"an official manages the service plan", user(RoleOfficial), ManageServicePlan, nil, true},
		{"forum may not manage the service plan", user(RoleForum), ManageServicePlan, nil, false},
		{"a politician may not manage the service plan", user(RolePolitician), ManageServicePlan, nil, false},
		{"forum adopts the service plan", user(RoleForum), AdoptServicePlan, nil, true},
		{"a representative may not adopt the service plan", rep, AdoptServicePlan, nil, false},
		// meetings
		{"an official manages meetings", user(RoleOfficial), ManageMeetings, nil, true},
		{"a politician may not manage meetings", user(RolePolitician), ManageMeetings, nil, false},
		{"a forum member may not manage meetings", user(RoleForum), ManageMeetings, nil, false},
		{"a representative may not manage meetings", rep, ManageMeetings, []string{"aby"}, false},
		{"a politician reads meetings", user(RolePolitician), ReadMeetings, []string{"bby"}, true},
		{"a forum member reads meetings", user(RoleForum), ReadMeetings, []string{"bby"}, true},
		{"a representative reads a meeting their village is invited to", rep, ReadMeetings, []string{"aby", "bby"}, true},
		{"a representative may not read a meeting only other villages are invited to", rep, ReadMeetings, []string{"bby"}, false},
		// Matters.
		{"a representative raises a matter for their village", rep, RaiseMatter, []string{"aby"}, true},
		{"a representative may not raise a matter for another village", rep, RaiseMatter, []string{"bby"}, false},
		{"a politician may not raise matters", user(RolePolitician), RaiseMatter, []string{"aby"}, false},
		{"an official raises a matter for any village", user(RoleOfficial), RaiseMatter, []string{"bby"}, true},
		{"a representative reads their village's matters", rep, ReadMatters, []string{"aby"}, true},
		{"a representative may not read another village's matter", rep, ReadMatters, []string{"bby"}, false},
		{"forum reads matters", user(RoleForum), ReadMatters, []string{"bby"}, true},
		{"an official handles matters", user(RoleOfficial), HandleMatter, []string{"aby"}, true},
		{"a representative may not answer a matter", rep, HandleMatter, []string{"aby"}, false},
		{"a politician may not forward a matter", user(RolePolitician), HandleMatter, nil, false},
		{"a representative confirms their village's matter", rep, ConfirmMatter, []string{"aby"}, true},
		{"a representative may not confirm another village's matter", rep, ConfirmMatter, []string{"bby"}, false},
		{"forum may not confirm a matter", user(RoleForum), ConfirmMatter, []string{"aby"}, false},
		{"a representative reads their village's records on its timeline", rep, ReadVillageRecords, []string{"aby"}, true},
		{"a representative may not read another village's records", rep, ReadVillageRecords, []string{"bby"}, false},
		{"forum reads every village's records", user(RoleForum), ReadVillageRecords, []string{"bby"}, true},
		{"anonymous may not read a village's records", nil, ReadVillageRecords, []string{"aby"}, false},

		// Bygdepeng.
		{"a representative reads every village's money", rep, ReadFunds, []string{"bby"}, true},
		{"an official manages funds", user(RoleOfficial), ManageFunds, nil, true},
		{"the forum may not manage funds", user(RoleForum), ManageFunds, nil, false},
		{"a representative may not manage funds", rep, ManageFunds, []string{"aby"}, false},
		{"the forum decides applications", user(RoleForum), DecideApplications, []string{"aby"}, true},
		{"a politician may not decide applications", user(RolePolitician), DecideApplications, nil, false},
		{"a representative may not decide applications", rep, DecideApplications, []string{"aby"}, false},
		{"a representative applies for their village", rep, ApplyForFunds, []string{"aby"}, true},
		{"a representative may not apply for another village", rep, ApplyForFunds, []string{"bby"}, false},
		{"an official does not write a village's application", user(RoleOfficial), ApplyForFunds, []string{"aby"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Can(tt.u, tt.action, tt.villages...); got != tt.want {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
}
