package survey

import (
	"net/mail"
	"strings"
	"time"
)

// Department is a department of the municipality (förvaltning): not a user,
// a mail address and its head's.
type Department struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	HeadEmail string `json:"head_email,omitempty"`
}

// NewDepartment is what an official sends to add a department.
type NewDepartment struct {
	Name      string `json:"name" validate:"required,max=200"`
	Email     string `json:"email" validate:"required,max=200"`
	HeadEmail string `json:"head_email" validate:"max=200"`
}

// Department validates the request and returns the department to store.
func (n NewDepartment) Department() (Department, error) {
	n.Name = strings.TrimSpace(n.Name)
	n.Email, n.HeadEmail = NormalizeEmail(n.Email), NormalizeEmail(n.HeadEmail)
	v := &ValidationError{}
	Check(v, n)
	for field, addr := range map[string]string{"email": n.Email, "head_email": n.HeadEmail} {
		if addr == "" || v.For(field) != "" {
			continue
		}
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			v.Add(field, "Måste vara en giltig e-postadress")
		}
	}
	if strings.ContainsAny(n.Name, "\r\n") {
		v.Add("name", "Namnet får inte ha radbrytningar")
	}
	if err := v.Err(); err != nil {
		return Department{}, err
	}
	return Department{Name: n.Name, Email: n.Email, HeadEmail: n.HeadEmail}, nil
}

// NewAction is what a representative (or an official) sends to add an
// action to a plan.
type NewAction struct {
	Priority    string `json:"priority" validate:"required,max=40"`
	Title       string `json:"title" validate:"required,max=300"`
	Owner       string `json:"owner" validate:"required,oneof=group municipality joint"`
	Responsible string `json:"responsible" validate:"required,max=200"`
	Department  string `json:"department" validate:"max=40"`
	Due         string `json:"due"`
	CostSEK     int64  `json:"cost_sek" validate:"min=0,max=1000000000"`
}

// Action validates the request against the plan and returns the action to
// store. The department, when named, must exist (known).
func (n NewAction) Action(p *Plan, known func(string) bool, now time.Time) (*PlanAction, error) {
	n.Title, n.Responsible = strings.TrimSpace(n.Title), strings.TrimSpace(n.Responsible)
	v := &ValidationError{}
	Check(v, n)
	found := false
	for _, pr := range p.Priorities {
		found = found || pr.ID == n.Priority
	}
	if n.Priority != "" && !found {
		v.Add("priority", "Prioriteringen finns inte i planen")
	}
	if n.Department != "" && !known(n.Department) {
		v.Add("department", "Förvaltningen finns inte")
	}
	due, err := ParseMonth(n.Due)
	switch {
	case n.Due == "":
		v.Add("due", "Ange månad (ÅÅÅÅ-MM)")
	case err != nil:
		v.Add("due", "Skriv månaden som ÅÅÅÅ-MM")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &PlanAction{Plan: p.ID, Village: p.Village, Priority: n.Priority, Title: n.Title, Owner: n.Owner,
		Responsible: n.Responsible, Department: n.Department, Due: due, CostSEK: n.CostSEK, Status: ActionPlanned, Created: now.UTC()}, nil
}
