package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// checkCSRF refuses a form post whose _csrf field does not match the
// session's token. A request signed with a bearer token carries no cookie a
// foreign site could make a browser send, so it needs none.
func checkCSRF(c *fiber.Ctx) error {
	want, _ := c.Locals(localCSRF).(string)
	if want == "" {
		if strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ") {
			return nil
		}
		return fmt.Errorf("formuläret saknar giltig kontrollkod: %w", survey.ErrForbidden)
	}
	if subtle.ConstantTimeCompare([]byte(c.FormValue("_csrf")), []byte(want)) != 1 {
		return fmt.Errorf("formuläret saknar giltig kontrollkod: %w", survey.ErrForbidden)
	}
	return nil
}

// names are the Swedish names the remiss pages show for codes.
type names struct {
	Stance, Anchor, Outcome, ProposalStatus, RemissStatus, Village map[string]string
}

func (s *server) names(cx context.Context) (names, error) {
	n := names{Stance: stanceNames, Anchor: anchorNames, Outcome: outcomeNames, ProposalStatus: proposalStatusNames,
		RemissStatus: remissStatusNames, Village: map[string]string{}}
	vs, err := s.villages.List(cx)
	if err != nil {
		return n, err
	}
	for _, v := range vs {
		n.Village[v.Slug] = v.Name
	}
	return n, nil
}

// formState is what a form page shows again after a refused post: the values
// sent, the summary of errors linking to their fields, and each field's
// message.
type formState struct {
	Values url.Values
	Errors []errorLink
	Field  map[string]string
}

// fieldLabels names the fields of the remiss forms in error summaries.
var fieldLabels = map[string]string{
	"title": "Rubrik", "body": "Förslaget", "submitted_by": "Förslagsställare", "received": "Inkom",
	"villages": "Byar", "deadline": "Sista svarsdag", "question": "Frågor till byarna",
	"outcome": "Beslut", "text": "Beslutstext", "date": "Beslutsdatum",
	"village": "By", "stance": "Ställningstagande", "motivation": "Motivering",
	"anchoring.method": "Förankring", "anchoring.participants": "Antal deltagare",
}

// newFormState turns a validation error into a form state; any other error
// is returned as it is.
func newFormState(c *fiber.Ctx, err error) (formState, error) {
	var verr *survey.ValidationError
	if !errors.As(err, &verr) {
		return formState{}, err
	}
	f := formState{Values: formValues(c), Field: map[string]string{}}
	for _, fe := range verr.Fields {
		field := fe.Field
		if strings.HasPrefix(field, "villages[") || strings.HasPrefix(field, "surveys.") {
			field = "villages"
		}
		if _, seen := f.Field[field]; seen {
			continue
		}
		f.Field[field] = fe.Message
		label := fieldLabels[field]
		if label == "" {
			label = field
		}
		f.Errors = append(f.Errors, errorLink{Anchor: "f-" + strings.ReplaceAll(field, ".", "-"), Label: label, Message: fe.Message})
	}
	return f, nil
}

// Get returns the first value of a form field.
func (f formState) Get(key string) string { return f.Values.Get(key) }

// Has reports whether a multi-valued form field holds v.
func (f formState) Has(key, v string) bool {
	for _, x := range f.Values[key] {
		if x == v {
			return true
		}
	}
	return false
}

func stockholmTime(t time.Time) string { return t.In(survey.Stockholm).Format("2006-01-02 15:04") }

// proposalRow is one proposal in the list, with its waiting time in words.
type proposalRow struct {
	*survey.Proposal
	Flag string
	// Deadline is the soonest deadline of its open rounds, zero if none.
	Deadline survey.Date
}

// sortByUrgency orders proposals by what needs action: undecided before
// decided; among the undecided, an open round's soonest deadline first, then
// the longest wait (the one-year rule); then the newest.
func sortByUrgency(rows []proposalRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if (a.Decision == nil) != (b.Decision == nil) {
			return a.Decision == nil
		}
		if a.Deadline.IsZero() != b.Deadline.IsZero() {
			return !a.Deadline.IsZero()
		}
		if a.Deadline != b.Deadline {
			return a.Deadline.Before(b.Deadline)
		}
		if a.DaysWaiting != b.DaysWaiting {
			return a.DaysWaiting > b.DaysWaiting
		}
		return b.Received.Before(a.Received)
	})
}

// yearRuleText says in words what the one-year flag means, so that it is
// not shown by colour alone.
func yearRuleText(flag string) string {
	switch flag {
	case survey.YearRuleOver:
		return "Över ett år"
	case survey.YearRuleNear:
		return "Nära ett år"
	}
	return ""
}

func (s *server) proposalsPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	ps, rounds, err := s.proposalsWithRounds(cx, currentUser(c))
	if err != nil {
		return err
	}
	// ?q= searches titles and texts; ?sida= pages (see pageOf).
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	rows := make([]proposalRow, 0, len(ps))
	for _, p := range ps {
		if q != "" && !strings.Contains(strings.ToLower(p.Title), q) && !strings.Contains(strings.ToLower(p.Body), q) {
			continue
		}
		row := proposalRow{Proposal: p, Flag: yearRuleText(p.YearRule)}
		for _, r := range rounds[p.ID] {
			if r.CurrentStatus(s.now()) == survey.RemissOpen && (row.Deadline.IsZero() || r.Deadline.Before(row.Deadline)) {
				row.Deadline = r.Deadline
			}
		}
		rows = append(rows, row)
	}
	sortByUrgency(rows)
	page, pg := pageOf(c, rows)
	u := currentUser(c)
	return render(c, fiber.StatusOK, "proposals", "Medborgarförslag", fiber.Map{
		"Rows": page, "Pager": pg, "Query": c.Query("q"), "Names": proposalStatusNames, "CanManage": survey.Can(u, survey.ManageProposals),
		"CanAnswer": survey.Can(u, survey.AnswerRemiss),
	})
}

func (s *server) newProposalPage(c *fiber.Ctx) error {
	if err := allow(currentUser(c), survey.ManageProposals); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "proposal_new", "Registrera medborgarförslag",
		fiber.Map{"Form": formState{Values: url.Values{"received": {survey.DateOf(s.now()).String()}}}})
}

func (s *server) newProposalSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	in := survey.NewProposal{Title: c.FormValue("title"), Body: c.FormValue("body"),
		SubmittedBy: c.FormValue("submitted_by"), Received: c.FormValue("received")}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.registerProposal(cx, currentUser(c), in)
	if err != nil {
		f, err := newFormState(c, err)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusUnprocessableEntity, "proposal_new", "Registrera medborgarförslag", fiber.Map{"Form": f})
	}
	return c.Redirect("/forslag/"+p.ID, fiber.StatusSeeOther)
}

// roundRow is one round on a proposal's page.
type roundRow struct {
	remissView
	Sent string
}

// proposalPageData is a proposal's page: its text, rounds, decision, and the
// forms to send it on remiss and record the decision.
type proposalPageData struct {
	Proposal   *survey.Proposal
	Flag       string
	Rounds     []roundRow
	Villages   []survey.Village
	Surveys    map[string][]*survey.Survey
	Names      names
	Outcomes   []string
	CanManage  bool
	CanDecide  bool
	Today      string
	RemissForm formState
	DecideForm formState
	Notice     string
}

func (s *server) proposalPageData(c *fiber.Ctx, cx context.Context) (*proposalPageData, error) {
	u := currentUser(c)
	p, rounds, err := s.loadProposal(cx, u, c.Params("id"))
	if err != nil {
		return nil, err
	}
	views, err := s.remissViews(cx, rounds)
	if err != nil {
		return nil, err
	}
	n, err := s.names(cx)
	if err != nil {
		return nil, err
	}
	d := &proposalPageData{Proposal: p, Flag: yearRuleText(p.YearRule), Names: n, Outcomes: survey.Outcomes,
		CanManage: survey.Can(u, survey.ManageProposals), Today: survey.DateOf(s.now()).String(),
		RemissForm: formState{Values: url.Values{}}, DecideForm: formState{Values: url.Values{"date": {survey.DateOf(s.now()).String()}}},
		Surveys: map[string][]*survey.Survey{}}
	for _, v := range views {
		d.Rounds = append(d.Rounds, roundRow{remissView: v, Sent: stockholmTime(v.Sent)})
	}
	d.CanDecide = d.CanManage && p.Decision == nil && p.Status != survey.ProposalOnRemiss
	if d.CanManage && p.Decision == nil {
		if d.Villages, err = s.villages.List(cx); err != nil {
			return nil, err
		}
		open, err := s.surveys.List(cx, storage.SurveyFilter{})
		if err != nil {
			return nil, err
		}
		for _, sv := range open {
			for _, v := range sv.Villages {
				d.Surveys[v] = append(d.Surveys[v], sv)
			}
		}
	}
	return d, nil
}

func (s *server) proposalPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, err := s.proposalPageData(c, cx)
	if err != nil {
		return err
	}
	switch c.Query("klart") {
	case "skickad":
		d.Notice = "Förslaget är skickat på remiss."
	case "beslut":
		d.Notice = "Beslutet är registrerat."
	case "raderad":
		d.Notice = "Förslagsställarens namn är raderat."
	}
	return render(c, fiber.StatusOK, "proposal", d.Proposal.Title, d)
}

// proposalFormFailed shows the proposal's page again with a refused form.
func (s *server) proposalFormFailed(c *fiber.Ctx, cx context.Context, err error, decision bool) error {
	f, err := newFormState(c, err)
	if err != nil {
		return err
	}
	d, err := s.proposalPageData(c, cx)
	if err != nil {
		return err
	}
	if decision {
		d.DecideForm = f
	} else {
		d.RemissForm = f
	}
	return render(c, fiber.StatusUnprocessableEntity, "proposal", d.Proposal.Title, d)
}

func (s *server) sendRemissSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	form := url.Values(formValues(c))
	in := survey.NewRemiss{Villages: form["villages"], Deadline: form.Get("deadline"), Question: form.Get("question"),
		Surveys: map[string]string{}}
	for _, v := range in.Villages {
		if id := form.Get("survey_" + v); id != "" {
			in.Surveys[v] = id
		}
	}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.sendRemiss(cx, currentUser(c), c.Params("id"), in); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return err
		}
		return s.proposalFormFailed(c, cx, err, false)
	}
	return c.Redirect("/forslag/"+c.Params("id")+"?klart=skickad", fiber.StatusSeeOther)
}

func (s *server) decisionSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	in := survey.DecisionInput{Outcome: c.FormValue("outcome"), Text: c.FormValue("text"), Date: c.FormValue("date")}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.decide(cx, currentUser(c), c.Params("id"), in); err != nil {
		return s.proposalFormFailed(c, cx, err, true)
	}
	return c.Redirect("/forslag/"+c.Params("id")+"?klart=beslut", fiber.StatusSeeOther)
}

func (s *server) eraseSubmitterSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	if !confirmed(c) {
		return s.eraseSubmitterConfirm(c)
	}
	cx, cancel := ctx(c)
	defer cancel()
	if err := s.eraseSubmitter(cx, currentUser(c), c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/forslag/"+c.Params("id")+"?klart=raderad", fiber.StatusSeeOther)
}

// inboxRow is one village's place in an open round: what the representative
// is asked to answer.
type inboxRow struct {
	Remiss   remissView
	Title    string
	Village  string
	Answered bool
	CanReply bool
}

func (s *server) remissInboxPage(c *fiber.Ctx) error {
	u := currentUser(c)
	cx, cancel := ctx(c)
	defer cancel()
	views, err := s.listRemisses(cx, u, "", survey.RemissOpen, "")
	if err != nil {
		return err
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	titles, err := s.proposalTitles(cx)
	if err != nil {
		return err
	}
	// ?q= searches the proposals' titles and the villages; ?sida= pages.
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	var rows []inboxRow
	for _, v := range views {
		answered := map[string]bool{}
		for _, a := range v.Answered {
			answered[a] = true
		}
		for _, village := range v.Villages {
			if u.Role == survey.RoleRepresentative && !u.HasVillage(village) {
				continue
			}
			if q != "" && !strings.Contains(strings.ToLower(titles[v.Proposal]), q) && !strings.Contains(strings.ToLower(n.Village[village]), q) {
				continue
			}
			rows = append(rows, inboxRow{Remiss: v, Title: titles[v.Proposal], Village: village, Answered: answered[village],
				CanReply: survey.Can(u, survey.AnswerRemiss, village)})
		}
	}
	page, pg := pageOf(c, rows)
	return render(c, fiber.StatusOK, "remisses", "Remisser att besvara", fiber.Map{
		"Rows": page, "Pager": pg, "Query": c.Query("q"), "Names": n, "CanManage": survey.Can(u, survey.ManageProposals),
	})
}

// answerRow is an answer as the follow-up and summary pages show it.
type answerRow struct {
	survey.RemissAnswer
	When    string
	History []versionRow
}

type versionRow struct {
	survey.AnswerVersion
	When, Replaced string
}

func answerRows(as []survey.RemissAnswer) []answerRow {
	rows := make([]answerRow, len(as))
	for i, a := range as {
		rows[i] = answerRow{RemissAnswer: a, When: stockholmTime(a.AnsweredAt)}
		for _, h := range a.History {
			rows[i].History = append(rows[i].History, versionRow{AnswerVersion: h, When: stockholmTime(h.AnsweredAt), Replaced: stockholmTime(h.ReplacedAt)})
		}
	}
	return rows
}

// messageRow is an outbox message on the follow-up page.
type messageRow struct {
	survey.OutboxMessage
	When string
	// NextAt is when a failed message is tried again, in Stockholm time.
	NextAt string
}

// remissPageData is the follow-up page of a round and the printable summary.
type remissPageData struct {
	Summary  survey.RemissSummary
	Remiss   *survey.Remiss
	Answers  []answerRow
	Messages []messageRow
	// Mailing: a mail server is configured, so queued messages go out by
	// themselves; without one officials send them by hand.
	Mailing   bool
	Names     names
	CanManage bool
	Open      bool
	Today     string
	Form      formState
	Notice    string
	ChartAlt  string
	Stances   []string
}

func (s *server) remissPageData(c *fiber.Ctx, cx context.Context) (*remissPageData, error) {
	u := currentUser(c)
	sum, r, err := s.summarize(cx, u, c.Params("id"))
	if err != nil {
		return nil, err
	}
	n, err := s.names(cx)
	if err != nil {
		return nil, err
	}
	d := &remissPageData{Summary: sum, Remiss: r, Answers: answerRows(sum.Answers), Names: n, Stances: survey.Stances, Mailing: s.remiss.mailer != nil,
		CanManage: survey.Can(u, survey.ManageProposals), Open: r.Accepting(s.now()) == nil,
		Today: survey.DateOf(s.now()).String(), Form: formState{Values: url.Values{"deadline": {r.Deadline.String()}}}}
	d.ChartAlt = remissChart(sum, n, lang(c)).AltText()
	if d.CanManage {
		msgs, err := s.remiss.outbox.List(cx, r.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			row := messageRow{OutboxMessage: m, When: stockholmTime(m.Created)}
			if m.NextAttempt != nil {
				row.NextAt = stockholmTime(*m.NextAttempt)
			}
			d.Messages = append(d.Messages, row)
		}
	}
	return d, nil
}

func (s *server) remissFollowUpPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, err := s.remissPageData(c, cx)
	if err != nil {
		return err
	}
	switch c.Query("klart") {
	case "paminnelser":
		d.Notice = "Påminnelserna ligger i utkorgen nedan."
	case "svarstid":
		d.Notice = "Sista svarsdag är ändrad."
	case "stangd":
		d.Notice = "Remissrundan är stängd."
	}
	return render(c, fiber.StatusOK, "remiss", "Uppföljning av remiss", d)
}

func (s *server) remissSummaryPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, err := s.remissPageData(c, cx)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "remiss_summary", "Remissammanställning", d)
}

func (s *server) remindersSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.queueReminders(cx, currentUser(c), c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/remisser/"+c.Params("id")+"?klart=paminnelser", fiber.StatusSeeOther)
}

func (s *server) moveDeadlineSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.moveDeadline(cx, currentUser(c), c.Params("id"), survey.DeadlineChange{Deadline: c.FormValue("deadline")})
	if err != nil {
		f, err := newFormState(c, err)
		if err != nil {
			return err
		}
		d, err := s.remissPageData(c, cx)
		if err != nil {
			return err
		}
		d.Form = f
		return render(c, fiber.StatusUnprocessableEntity, "remiss", "Uppföljning av remiss", d)
	}
	return c.Redirect("/remisser/"+c.Params("id")+"?klart=svarstid", fiber.StatusSeeOther)
}

func (s *server) closeRemissSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	if !confirmed(c) {
		return s.closeRemissConfirm(c)
	}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.closeRemiss(cx, currentUser(c), c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/remisser/"+c.Params("id")+"?klart=stangd", fiber.StatusSeeOther)
}

// answerPageData is the answer form of one village in one round.
type answerPageData struct {
	Remiss   *survey.Remiss
	Proposal *survey.Proposal
	Village  string
	Name     string
	Current  *answerRow
	Names    names
	Stances  []string
	Methods  []string
	DaysLeft int
	Open     bool
	Form     formState
	Saved    bool
	SurveyID string
}

func (s *server) answerPageData(c *fiber.Ctx, cx context.Context) (*answerPageData, error) {
	u := currentUser(c)
	village := c.Params("village")
	if err := allow(u, survey.AnswerRemiss, village); err != nil {
		return nil, err
	}
	r, err := s.remiss.remisses.Get(cx, c.Params("id"))
	if err != nil {
		return nil, err
	}
	if !r.HasVillage(village) {
		return nil, fmt.Errorf("byn ingår inte i remissrundan: %w", survey.ErrNotFound)
	}
	p, err := s.remiss.proposals.Get(cx, r.Proposal)
	if err != nil {
		return nil, err
	}
	n, err := s.names(cx)
	if err != nil {
		return nil, err
	}
	answers, err := s.remiss.remisses.Answers(cx, r)
	if err != nil {
		return nil, err
	}
	d := &answerPageData{Remiss: r, Proposal: p, Village: village, Name: n.Village[village], Names: n,
		Stances: survey.Stances, Methods: survey.AnchorMethods, DaysLeft: r.DaysLeft(s.now()),
		Open: r.Accepting(s.now()) == nil, Form: formState{Values: url.Values{}}, SurveyID: r.Surveys[village]}
	if d.Name == "" {
		d.Name = village
	}
	for _, row := range answerRows(answers) {
		if row.Village == village {
			d.Current = &row
			d.Form.Values = url.Values{"stance": {row.Stance}, "motivation": {row.Motivation},
				"method": {row.Anchoring.Method}, "participants": {strconv.Itoa(row.Anchoring.Participants)}}
		}
	}
	return d, nil
}

func (s *server) answerPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, err := s.answerPageData(c, cx)
	if err != nil {
		return err
	}
	d.Saved = c.Query("klart") == "sparat"
	return render(c, fiber.StatusOK, "remiss_answer", "Svara på remiss", d)
}

func (s *server) answerSubmit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	in := survey.AnswerInput{Village: c.Params("village"), Stance: c.FormValue("stance"), Motivation: c.FormValue("motivation"),
		Anchoring: &survey.Anchoring{Method: c.FormValue("method")}}
	badNumber := false
	if p := strings.TrimSpace(c.FormValue("participants")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			// Let the domain refuse it along with anything else wrong.
			n, badNumber = -1, true
		}
		in.Anchoring.Participants = n
	}
	cx, cancel := ctx(c)
	defer cancel()
	_, _, err := s.answerRemiss(cx, currentUser(c), c.Params("id"), in)
	var verr *survey.ValidationError
	if badNumber && errors.As(err, &verr) {
		for i := range verr.Fields {
			if verr.Fields[i].Field == "anchoring.participants" {
				verr.Fields[i].Message = "Skriv antalet deltagare med siffror"
			}
		}
	}
	if err != nil {
		f, err := newFormState(c, err)
		if err != nil {
			return err
		}
		d, err := s.answerPageData(c, cx)
		if err != nil {
			return err
		}
		d.Form = f
		return render(c, fiber.StatusUnprocessableEntity, "remiss_answer", "Svara på remiss", d)
	}
	return c.Redirect("/remisser/"+c.Params("id")+"/svara/"+c.Params("village")+"?klart=sparat", fiber.StatusSeeOther)
}
