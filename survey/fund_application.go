package survey

import (
	"fmt"
	"strings"
	"time"
)

// Application statuses: draft → submitted → on_agenda → granted or
// rejected → paid → reported → closed. granted and paid come from the
// ledger: an application is granted while the ledger holds a live
// allocation for it, and shown as paid once that allocation is paid out.
// on_agenda comes from the meetings: a submitted application is shown on
// the agenda once an agenda item of a forum meeting links it.
const (
	AppDraft     = "draft"
	AppSubmitted = "submitted"
	AppOnAgenda  = "on_agenda"
	AppGranted   = "granted"
	AppRejected  = "rejected"
	AppPaid      = "paid"
	AppReported  = "reported"
	AppClosed    = "closed"
)

// Application is a village group's application for investment money from a
// year's fund.
type Application struct {
	ID             string     `json:"id"`
	Fund           int        `json:"fund"`
	Village        string     `json:"village"`
	FocusArea      string     `json:"focus_area"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	AmountSEK      int64      `json:"amount_sek"`
	CofinancingSEK int64      `json:"cofinancing_sek"`
	Status         string     `json:"status"`
	MeetingItem    string     `json:"meeting_item,omitempty"`
	SubmittedAt    *time.Time `json:"submitted_at,omitempty"`
	Reason         string     `json:"reason,omitempty"`
	Report         *AppReport `json:"report,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CreatedBy      string     `json:"-"`
	Created        time.Time  `json:"created"`
	// Rev counts the changes; a change is written only on the revision it
	// was made on.
	Rev int `json:"-"`
}

// AppReport is what the group reports after the money was spent.
type AppReport struct {
	Text     string    `json:"text"`
	SpentSEK int64     `json:"spent_sek"`
	By       string    `json:"-"`
	At       time.Time `json:"at"`
}

// NewApplication is the body of POST /funds/{year}/applications.
type NewApplication struct {
	Village        string `json:"village" validate:"required,max=80"`
	FocusArea      string `json:"focus_area" validate:"required,max=60"`
	Title          string `json:"title" validate:"required,max=200"`
	Description    string `json:"description" validate:"max=10000"`
	AmountSEK      int64  `json:"amount_sek" validate:"required,min=1,max=100000000"`
	CofinancingSEK int64  `json:"cofinancing_sek" validate:"min=0,max=100000000"`
}

// Application validates the input for fund f; known reports whether a focus
// area exists.
func (in NewApplication) Application(f *Fund, known func(string) bool, now time.Time, by string) (*Application, error) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	v := &ValidationError{}
	Check(v, in)
	if in.FocusArea != "" && v.For("focus_area") == "" && !known(in.FocusArea) {
		v.Add("focus_area", "Fokusområdet finns inte")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Application{Fund: f.Year, Village: in.Village, FocusArea: in.FocusArea, Title: in.Title, Description: in.Description,
		AmountSEK: in.AmountSEK, CofinancingSEK: in.CofinancingSEK, Status: AppDraft, CreatedBy: by, Created: now.UTC()}, nil
}

// GrantInput is the body of .../grant.
type GrantInput struct {
	AmountSEK   int64  `json:"amount_sek" validate:"required,min=1"`
	MeetingItem string `json:"meeting_item" validate:"max=80"`
}

// CheckGrant validates a grant of a: at most what was asked, and only of a
// submitted application.
func (a *Application) CheckGrant(in GrantInput) error {
	v := &ValidationError{}
	Check(v, in)
	if in.AmountSEK > a.AmountSEK && v.For("amount_sek") == "" {
		v.Add("amount_sek", fmt.Sprintf("Får vara högst det sökta beloppet, %s", Kronor(a.AmountSEK)))
	}
	if err := v.Err(); err != nil {
		return err
	}
	if a.Status != AppSubmitted {
		return Refuse(ErrConflict, "Bara en inlämnad ansökan kan beviljas (den är %s)", a.Status)
	}
	return nil
}

// AppReportInput is the body of .../report.
type AppReportInput struct {
	Text     string `json:"text" validate:"required,max=10000"`
	SpentSEK int64  `json:"spent_sek" validate:"min=0,max=100000000"`
}

// appTransitions is the stored part of the lifecycle in one table: the
// status a step starts from and the one it leads to. Granting and paying
// are ledger entries (see Ledger.Next); the application follows them.
var appTransitions = map[string]struct{ from, to string }{
	"submit": {AppDraft, AppSubmitted},
	"grant":  {AppSubmitted, AppGranted},
	"reject": {AppSubmitted, AppRejected},
	"report": {AppGranted, AppReported},
	"close":  {AppReported, AppClosed},
	// ungrant follows a reversed allocation: the application is undecided
	// again and may be granted anew.
	"ungrant": {AppGranted, AppSubmitted},
}

// Step moves the application along the table, or is ErrConflict.
func (a *Application) Step(name string) error {
	t, ok := appTransitions[name]
	if !ok || a.Status != t.from {
		return Refuse(ErrConflict, "Ansökan är %s och kan inte gå till %s", a.Status, t.to)
	}
	a.Status = t.to
	return nil
}

// Submit sends the draft to the forum, before the fund's applications close.
func (a *Application) Submit(f *Fund, now time.Time) error {
	if !f.ApplicationCloses.IsZero() && !now.Before(f.ApplicationCloses.End()) {
		return Refuse(ErrClosed, "Ansökningstiden gick ut %s", f.ApplicationCloses)
	}
	if err := a.Step("submit"); err != nil {
		return err
	}
	t := now.UTC()
	a.SubmittedAt = &t
	return nil
}

// Reject refuses the application with a reason.
func (a *Application) Reject(in ReasonInput) error {
	if err := in.Check(); err != nil {
		return err
	}
	if err := a.Step("reject"); err != nil {
		return err
	}
	a.Reason = in.Reason
	return nil
}

// AddReport records how the money was used; it needs the money paid out.
func (a *Application) AddReport(in AppReportInput, m RefMoney, now time.Time, by string) error {
	in.Text = strings.TrimSpace(in.Text)
	v := &ValidationError{}
	Check(v, in)
	if err := v.Err(); err != nil {
		return err
	}
	if a.Status == AppGranted && m.PaidSEK == 0 {
		return Refuse(ErrConflict, "Pengarna är inte utbetalda än")
	}
	if err := a.Step("report"); err != nil {
		return err
	}
	a.Report = &AppReport{Text: in.Text, SpentSEK: in.SpentSEK, By: by, At: now.UTC()}
	return nil
}

// Close ends a reported application.
func (a *Application) Close(now time.Time) error {
	if err := a.Step("close"); err != nil {
		return err
	}
	t := now.UTC()
	a.ClosedAt = &t
	return nil
}

// Reconcile is what the stored application needs so that it agrees with the
// ledger after a write that did not finish (a crash, or a grant and a
// rejection at the same moment): "grant" when the ledger holds a live
// allocation for a submitted application, "ungrant" when a granted one has
// none (its allocation was reversed), "reverse" when a rejected one has one
// (the rejection won; the allocation must be reversed), or "".
func (a *Application) Reconcile(m RefMoney) string {
	live := m.Allocation != nil
	switch {
	case a.Status == AppSubmitted && live:
		return "grant"
	case a.Status == AppGranted && !live:
		return "ungrant"
	case a.Status == AppRejected && live:
		return "reverse"
	}
	return ""
}

// Shown is the status to show: a granted application whose money is paid
// out is paid; a submitted one that an agenda item links (onAgenda) is on
// the agenda.
func (a *Application) Shown(m RefMoney, onAgenda bool) string {
	switch {
	case a.Status == AppGranted && m.PaidSEK > 0:
		return AppPaid
	case a.Status == AppSubmitted && onAgenda:
		return AppOnAgenda
	}
	return a.Status
}

// ReportDue is when a paid application's report is due: the fund's
// report_due. Zero when nothing is owed.
func (a *Application) ReportDue(f *Fund, m RefMoney) Date {
	if a.Status != AppGranted || m.PaidSEK == 0 {
		return Date{}
	}
	return f.ReportDue
}
