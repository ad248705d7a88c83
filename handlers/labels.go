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
	survey.AuditSurveyScheduled: "enkätens tider satta", survey.AuditVillageChanged: "by ändrad", survey.AuditSurveyReopened: "enkät öppnad igen",
	survey.AuditUserInvited: "inbjudan skickad", survey.AuditPasswordReset: "nytt lösenord begärt", survey.AuditPasswordSet: "lösenord valt",
	auditProposalRegistered: "förslag registrerat", auditProposalEdited: "förslag ändrat", auditDecisionCorrected: "beslut rättat", auditSubmitterErased: "förslagsställarens namn raderat",
	auditDecisionRecorded: "beslut registrerat", auditRemissSent: "skickat på remiss", auditDeadlineMoved: "sista svarsdag ändrad",
	auditRemissClosed: "remissrunda stängd", auditRemindersQueued: "påminnelser lagda i utkorgen",
	auditFocusAreaAdded: "fokusområde tillagt", auditDepartmentAdded: "förvaltning tillagd", auditPlanCreated: "plan påbörjad",
	auditPlanSaved: "plan sparad", auditPlanAdopted: "plan antagen", auditPlanSubmitted: "plan inlämnad", auditPlanAcked: "plan kvitterad",
	auditPlanAnchored: "förankring tillagd", auditActionAdded: "åtgärd tillagd", auditActionChanged: "åtgärd ändrad",
	survey.PlanAdopted: "antagen", survey.PlanSubmitted: "inlämnad", survey.PlanAcknowledged: "mottagen av kommunen",
	survey.ActionPlanned: "planerad", survey.ActionInProgress: "pågår", survey.ActionDone: "klar",
	survey.ActionPostponed: "uppskjuten", survey.ActionDropped: "struken",
	survey.OwnerGroup: "utvecklingsgruppen", survey.OwnerMunicipality: "kommunen", survey.OwnerJoint: "gruppen och kommunen",
	survey.AnchorMeeting: "stormöte", survey.AnchorBoard: "styrelsemöte", survey.AnchorSurvey: "enkät",
	"field:focus_area": "fokusområde", "field:rank": "plats", "field:label": "rubrik", "field:rationale": "motivering", "field:horizon": "tidshorisont",
	survey.HorizonYear: "i år", survey.HorizonLong: "på längre sikt",
	survey.StanceSupport: "tillstyrker", survey.StanceSupportWithChanges: "tillstyrker med ändringar",
	survey.StanceOppose: "avstyrker", survey.StanceNoOpinion: "inget att invända",
	// Matters: statuses, moves and audit actions.
	"matter:" + survey.MatterRegistered: "registrerat", "matter:" + survey.MatterForwarded: "skickat till förvaltning",
	"matter:" + survey.MatterAnswered: "besvarat", "matter:" + survey.MatterConfirmed: "bekräftat",
	"move:" + survey.MoveRegister: "Registrerat", "move:" + survey.MoveForward: "Skickat till förvaltning",
	"move:" + survey.MoveAnswer: "Besvarat", "move:" + survey.MoveConfirm: "Bekräftat av gruppen",
	"move:" + survey.MoveReopen: "Öppnat igen", "move:" + survey.MoveAutoConfirm: "Bekräftat automatiskt efter 30 dagar",
	auditMatterRaised: "ärende registrerat", auditMatterStep + survey.MoveForward: "ärende skickat till förvaltning",
	auditMatterStep + survey.MoveAnswer: "ärende besvarat", auditMatterStep + survey.MoveConfirm: "ärende bekräftat",
	auditMatterStep + survey.MoveReopen: "ärende öppnat igen", auditMatterStep + survey.MoveAutoConfirm: "ärende bekräftat automatiskt",
	auditMatterReminded: "påminnelse om ärende", auditMatterAgenda: "ärende på forumets dagordning",

	// The service plan.
	survey.ServiceForumReview: "forumets granskning", survey.ServiceSent: "skickad till fullmäktige",
	survey.ServiceInForce: "gäller", survey.ServiceSuperseded: "ersatt av en nyare version",
	auditServicePlanCreated: "serviceplan gjord", auditServiceItemChanged: "serviceplanens punkt ändrad",
	auditServicePlanReviewed: "serviceplan till granskning", auditServicePlanAdopted: "serviceplan antagen av forumet",
	auditServicePlanSent: "serviceplan skickad till fullmäktige", auditServicePlanDecided: "serviceplan beslutad",
	auditServicePlanRevised: "serviceplan reviderad",
	"field:villages":        "byar", "field:share": "andel", "field:kind": "slag", "field:goal": "mål",
	"field:department": "förvaltning", "field:actions": "åtgärder", "field:sources": "källor",
	// meetings (planned is the actions' "planerad")
	survey.MeetingInvited: "kallat", survey.MeetingHeld: "hållet", survey.MeetingMinutesApproved: "protokollet justerat",
	auditMeetingCreated: "möte planerat", auditMeetingItem: "punkt på dagordningen", auditMeetingInvited: "kallelse skickad",
	auditMeetingHeld: "möte hållet", auditMeetingMinutes: "protokoll skrivet", auditMeetingDecision: "beslut fattat",
	auditMeetingApproved: "protokoll justerat",
	survey.LinkMatter:    "ärende", survey.LinkPlan: "plan", survey.LinkProposal: "medborgarförslag",
	survey.LinkApplication: "ansökan", survey.LinkServicePlan: "utvecklings- och serviceplan",

	// Bygdepeng (a source "municipality" reads as the owner's "kommunen").
	survey.SourceRegion: "regionen", survey.SourceCountyBoard: "länsstyrelsen",
	survey.SourceHydropower: "bygdemedel från vattenkraften", survey.SourceOther: "annan källa",
	survey.EntryAllocate: "beviljat", survey.EntryPay: "utbetalt", survey.EntryReturn: "återbetalt", survey.EntryReverse: "rättelse",
	survey.AppOnAgenda: "på forumets dagordning", survey.AppGranted: "beviljad", survey.AppRejected: "avslagen", survey.AppPaid: "utbetald", survey.AppReported: "återrapporterad",
	survey.BasicPending: "väntar", survey.BasicEligible: "uppfyller villkoren", survey.BasicBlocked: "uppfyller inte villkoren",
	survey.BasicApproved: "godkänt",
	auditFundCreated:     "bygdepeng skapad", auditBasicApproved: "grundbidrag godkänt", auditBasicPaid: "grundbidrag utbetalt",
	auditBasicOverridden: "undantag för grundbidrag", auditAppCreated: "ansökan påbörjad", auditAppSubmitted: "ansökan inlämnad",
	auditAppGranted: "ansökan beviljad", auditAppRejected: "ansökan avslagen", auditAppPaid: "ansökan utbetald",
	auditAppReported: "ansökan återrapporterad", auditAppClosed: "ansökan avslutad", auditAppReturned: "pengar återbetalda",
	auditEntryReversed: "post rättad", auditLedgerReconciled: "ansökan stämd av mot huvudboken",
}

// label shows a code word in the page's language.
func label(lang, code string) string {
	if sv, ok := labels[code]; ok {
		return translate(lang, sv)
	}
	return code
}
