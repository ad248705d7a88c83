package handlers

import "github.com/forankra/forankra/survey"

// labels are the Swedish words for the code words of roles, statuses,
// access modes, question types and audit actions.
var labels = map[string]string{
	survey.RoleAdmin: "administratör", survey.RoleOfficial: "tjänsteperson", survey.RolePolitician: "politiker",
	survey.RoleRepresentative: "byrepresentant", survey.RoleForum: "forumledamot",
	survey.Draft: "utkast", survey.Open: "öppen", survey.Closed: "stängd",
	survey.AccessLink: "alla med länken", survey.AccessCode: "engångskoder",
	survey.Single: "ett val", survey.Multi: "flera val", survey.Likert: "instämmer-skala 1–5", survey.Rank: "rangordning",
	survey.Number: "tal", survey.Text: "fritext",
	survey.AuditSignIn: "inloggning", survey.AuditSignInFailed: "misslyckad inloggning", survey.AuditUserCreated: "konto skapat",
	survey.AuditUserChanged: "konto ändrat", survey.AuditVillageAdded: "by skapad", survey.AuditSurveyCreated: "enkät skapad",
	survey.AuditSurveyOpened: "enkät öppnad", survey.AuditSurveyClosed: "enkät stängd", survey.AuditCodesMade: "koder gjorda",
	survey.AuditTokenRevoked: "nyckel återkallad", survey.AuditPaperEntered: "pappersvar inskrivet",
}

// label shows a code word in the page's language.
func label(lang, code string) string {
	if sv, ok := labels[code]; ok {
		return translate(lang, sv)
	}
	return code
}
