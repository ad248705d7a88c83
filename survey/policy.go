package survey

// Action is something a signed-in user may be allowed to do. Who may do what
// is decided here, in one table, and nowhere else.
type Action string

// Actions.
const (
	ManageVillages     Action = "manage_villages"      // create and change villages
	ManageUsers        Action = "manage_users"         // create, change and deactivate users
	ReadAudit          Action = "read_audit"           // read the audit log
	ManageSurvey       Action = "manage_survey"        // create, edit, open, close, make codes; for the given villages
	ReadSurveyResults  Action = "read_survey_results"  // counts, CSV, comparison; of a survey for the given villages
	EnterPaperResponse Action = "enter_paper_response" // type in a paper response for the given village
	ManageProposals    Action = "manage_proposals"     // register proposals, send remisses, move deadlines, decide
	AnswerRemiss       Action = "answer_remiss"        // answer a remiss for the given village
	ReadRemiss         Action = "read_remiss"          // read rounds and summaries
	ReadComparison     Action = "read_comparison"      // the forum's pages
	ReadVillages       Action = "read_villages"        // list villages (every form that names one needs it)
	ManageOwnAccount   Action = "manage_own_account"   // sign out, list and revoke one's own tokens
	ManageCatalogues   Action = "manage_catalogues"    // focus areas and departments
	ManagePlan         Action = "manage_plan"          // write, adopt and submit a village's plan and actions
	AcknowledgePlan    Action = "acknowledge_plan"     // acknowledge plans, set the status of the municipality's actions
	ReadPlans          Action = "read_plans"           // read every village's plans and the forum's matrix
	// meetings
	ManageMeetings Action = "manage_meetings" // plan meetings, agendas, invitations, attendance, minutes, decisions
	ReadMeetings   Action = "read_meetings"   // read meetings; a representative those their village is invited to

	// The municipal development and service plan.
	ReadServicePlan   Action = "read_service_plan"   // read the service plan, its document and diff
	ManageServicePlan Action = "manage_service_plan" // generate, edit items, review, send, record the decision, revise
	AdoptServicePlan  Action = "adopt_service_plan"  // the forum adopts the reviewed plan
	// Matters (ärenden).
	RaiseMatter   Action = "raise_matter"   // raise a matter for the given village
	ReadMatters   Action = "read_matters"   // read matters; a representative those of their villages
	HandleMatter  Action = "handle_matter"  // forward and answer matters (the municipality)
	ConfirmMatter Action = "confirm_matter" // confirm or reopen an answered matter of the given village
	// Timeline: the village's events that are not public (drafts saved,
	// matters not yet answered) for signed-in readers of the village.
	ReadVillageRecords Action = "read_village_records"

	// Bygdepeng.
	ReadFunds          Action = "read_funds"          // read funds, basic grants, applications and the ledger
	ManageFunds        Action = "manage_funds"        // create funds; approve, pay and override basic grants; reverse entries
	DecideApplications Action = "decide_applications" // grant, reject and pay investment applications
	ApplyForFunds      Action = "apply_for_funds"     // write, submit and report a village's applications
)

// staff may act for every village.
var policy = map[Action]map[string]bool{
	ManageVillages:     {RoleAdmin: true},
	ManageUsers:        {RoleAdmin: true},
	ReadAudit:          {RoleAdmin: true},
	ManageSurvey:       {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleRepresentative: true},
	ReadSurveyResults:  {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	EnterPaperResponse: {RoleAdmin: true, RoleOfficial: true, RoleRepresentative: true},
	ManageProposals:    {RoleAdmin: true, RoleOfficial: true, RolePolitician: true},
	AnswerRemiss:       {RoleAdmin: true, RoleRepresentative: true},
	ReadRemiss:         {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	ReadComparison:     {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	ReadVillages:       {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	ManageOwnAccount:   {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	ManageCatalogues:   {RoleAdmin: true, RoleOfficial: true},
	ManagePlan:         {RoleAdmin: true, RoleOfficial: true, RoleRepresentative: true},
	AcknowledgePlan:    {RoleAdmin: true, RoleOfficial: true},
	ReadPlans:          {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	// meetings
	ManageMeetings: {RoleAdmin: true, RoleOfficial: true},
	ReadMeetings:   {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},

	ReadServicePlan:   {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	ManageServicePlan: {RoleAdmin: true, RoleOfficial: true},
	AdoptServicePlan:  {RoleAdmin: true, RoleOfficial: true, RoleForum: true},
	// Matters.
	RaiseMatter:   {RoleAdmin: true, RoleOfficial: true, RoleRepresentative: true},
	ReadMatters:   {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	HandleMatter:  {RoleAdmin: true, RoleOfficial: true},
	ConfirmMatter: {RoleAdmin: true, RoleOfficial: true, RoleRepresentative: true},
	// Timeline: staff of every village; a representative for their own.
	ReadVillageRecords: {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},

	ReadFunds:          {RoleAdmin: true, RoleOfficial: true, RolePolitician: true, RoleForum: true, RoleRepresentative: true},
	ManageFunds:        {RoleAdmin: true, RoleOfficial: true},
	DecideApplications: {RoleAdmin: true, RoleOfficial: true, RoleForum: true},
	ApplyForFunds:      {RoleAdmin: true, RoleRepresentative: true},
}

// Can reports whether u may take action a concerning the villages. A
// representative acts only for their own villages: to manage a survey or
// answer a remiss every village named must be theirs; to read, one is enough.
// Deactivated users may do nothing.
func Can(u *User, a Action, villages ...string) bool {
	if u == nil || !u.Active || !policy[a][u.Role] {
		return false
	}
	if u.Role != RoleRepresentative {
		return true
	}
	switch a {
	case ReadPlans, ReadFunds:
		return true // the plans and the money are the villages' public work
	case ReadSurveyResults, ReadRemiss, ReadComparison, ReadMatters, ReadMeetings:
		for _, v := range villages {
			if u.HasVillage(v) {
				return true
			}
		}
		return len(villages) == 0
	default:
		for _, v := range villages {
			if !u.HasVillage(v) {
				return false
			}
		}
		return true
	}
}
