package survey

import (
	"net/mail"
	"strings"
	"time"
)

// UserChange is what an administrator sends to change an account; absent
// fields stay as they are.
type UserChange struct {
	Name     *string   `json:"name" validate:"omitempty,max=200"`
	Email    *string   `json:"email" validate:"omitempty,max=200"`
	Role     *string   `json:"role" validate:"omitempty,oneof=admin official politician representative forum"`
	Villages *[]string `json:"villages" validate:"omitempty,max=200"`
	Active   *bool     `json:"active"`
	Password *string   `json:"password" validate:"omitempty,max=200"`
	// ContactPerson makes an official or administrator a contact person, or
	// no longer one.
	ContactPerson *bool `json:"contact_person"`
}

// Apply changes u as asked and returns the new password hash ("" when the
// password stays). by is the administrator making the change: they cannot
// deactivate themselves or take away their own administrator role, so the
// service never locks out its last administrator by accident.
func (ch UserChange) Apply(u *User, by *User) (string, error) {
	v := &ValidationError{}
	Check(v, ch)
	if err := v.Err(); err != nil {
		return "", err
	}
	if ch.Name != nil {
		name := strings.TrimSpace(*ch.Name)
		if name == "" {
			v.Add("name", "Måste fyllas i")
		}
		u.Name = name
	}
	if ch.Email != nil {
		email := NormalizeEmail(*ch.Email)
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			v.Add("email", "Måste vara en giltig e-postadress")
		}
		u.Email = email
	}
	if ch.Role != nil {
		if by != nil && by.ID == u.ID && *ch.Role != RoleAdmin {
			v.Add("role", "Du kan inte ta bort din egen administratörsroll")
		}
		u.Role = *ch.Role
	}
	if ch.Villages != nil {
		u.Villages = append([]string{}, (*ch.Villages)...)
	}
	if u.Role != RoleRepresentative && ch.Role != nil && ch.Villages == nil {
		u.Villages = []string{} // leaving the representative role leaves the villages
	}
	switch {
	case u.Role == RoleRepresentative && len(u.Villages) == 0:
		v.Add("villages", "En byrepresentant måste ha minst en by")
	case u.Role != RoleRepresentative && len(u.Villages) > 0:
		v.Add("villages", "Bara byrepresentanter knyts till byar")
	}
	if ch.Active != nil {
		if by != nil && by.ID == u.ID && !*ch.Active {
			v.Add("active", "Du kan inte inaktivera ditt eget konto")
		}
		u.Active = *ch.Active
	}
	if ch.ContactPerson != nil {
		u.ContactPerson = *ch.ContactPerson
	}
	if u.Role != RoleOfficial && u.Role != RoleAdmin {
		if ch.ContactPerson != nil && *ch.ContactPerson {
			v.Add("contact_person", "Bara tjänstepersoner och administratörer kan vara kontaktperson")
		}
		u.ContactPerson = false // another role leaves the task
	}
	hash := ""
	if ch.Password != nil {
		if msg := PasswordProblem(*ch.Password, u.Email, u.Name); msg != "" {
			v.Add("password", msg)
		}
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	if ch.Password != nil {
		h, err := HashPassword(*ch.Password)
		if err != nil {
			return "", err
		}
		hash = h
	}
	return hash, nil
}

// Audit actions.
const (
	AuditSignIn          = "sign_in"
	AuditSignInFailed    = "sign_in_failed"
	AuditUserCreated     = "user_created"
	AuditUserChanged     = "user_changed"
	AuditVillageAdded    = "village_created"
	AuditSurveyCreated   = "survey_created"
	AuditSurveyOpened    = "survey_opened"
	AuditSurveyClosed    = "survey_closed"
	AuditCodesMade       = "codes_generated"
	AuditTokenRevoked    = "token_revoked"
	AuditPaperEntered    = "paper_response"
	AuditUserInvited     = "user_invited"
	AuditPasswordReset   = "password_reset_asked"
	AuditPasswordSet     = "password_set"
	AuditSurveyScheduled = "survey_scheduled"
	AuditVillageChanged  = "village_changed"
	AuditSurveyReopened  = "survey_reopened"
)

// AuditEntry records one administrative action: who did what, when, to what.
// It never holds a secret: codes generated are recorded by count only.
type AuditEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`       // user id, "" for an anonymous sign-in attempt
	Email  string    `json:"actor_email"` // the actor's email when the entry was made
	Action string    `json:"action"`
	Target string    `json:"target"` // what it concerned: a user id, survey id, ...
	Detail string    `json:"detail,omitempty"`
}
