package survey

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
)

// Roles.
const (
	RoleAdmin          = "admin"
	RoleOfficial       = "official"
	RolePolitician     = "politician"
	RoleRepresentative = "representative"
	RoleForum          = "forum"
)

// Roles lists every role, for forms and validation.
var Roles = []string{RoleAdmin, RoleOfficial, RolePolitician, RoleRepresentative, RoleForum}

// User is a person with an account. The password hash never leaves storage.
type User struct {
	ID       string    `json:"id"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	Villages []string  `json:"villages"`
	Active   bool      `json:"active"`
	Created  time.Time `json:"created"`
	// ContactPerson marks an official (or administrator) as the contact
	// person (kontaktperson): matters' notices and reminders go to them.
	ContactPerson bool `json:"contact_person"`
}

// NewUser is what an administrator sends to create an account.
type NewUser struct {
	Email string `json:"email" validate:"required,max=200"`
	Name  string `json:"name" validate:"required,max=200"`
	// Password may be left out: the account is then invited by e-mail to
	// set one (Invite).
	Password string   `json:"password" validate:"max=200"`
	Role     string   `json:"role" validate:"required,oneof=admin official politician representative forum"`
	Villages []string `json:"villages" validate:"max=200"`
	// ContactPerson makes an official or administrator a contact person.
	ContactPerson bool `json:"contact_person"`
}

// User validates the request and returns the user to store with the hash of
// the password (argon2id).
func (nu NewUser) User(now time.Time) (User, string, error) {
	u, err := nu.check(now, true)
	if err != nil {
		return User{}, "", err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return User{}, "", err
	}
	return u, hash, nil
}

// Invite validates a request without a password and returns the user to
// store without one: it signs in after setting a password through the link
// of its invitation.
func (nu NewUser) Invite(now time.Time) (User, error) {
	nu.Password = ""
	return nu.check(now, false)
}

func (nu NewUser) check(now time.Time, withPassword bool) (User, error) {
	nu.Email = NormalizeEmail(nu.Email)
	nu.Name = strings.TrimSpace(nu.Name)
	v := &ValidationError{}
	Check(v, nu)
	if nu.Email != "" && v.For("email") == "" {
		if a, err := mail.ParseAddress(nu.Email); err != nil || a.Address != nu.Email {
			v.Add("email", "Måste vara en giltig e-postadress")
		}
	}
	if withPassword && nu.Password == "" {
		v.Add("password", "Måste fyllas i")
	}
	if nu.Password != "" && v.For("password") == "" {
		if msg := PasswordProblem(nu.Password, nu.Email, nu.Name); msg != "" {
			v.Add("password", msg)
		}
	}
	if nu.ContactPerson && nu.Role != RoleOfficial && nu.Role != RoleAdmin {
		v.Add("contact_person", "Bara tjänstepersoner och administratörer kan vara kontaktperson")
	}
	switch {
	case nu.Role == RoleRepresentative && len(nu.Villages) == 0:
		v.Add("villages", "En byrepresentant måste ha minst en by")
	case nu.Role != RoleRepresentative && len(nu.Villages) > 0:
		v.Add("villages", "Bara byrepresentanter knyts till byar")
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	villages := nu.Villages
	if villages == nil {
		villages = []string{}
	}
	return User{Email: nu.Email, Name: nu.Name, Role: nu.Role, Villages: villages, Active: true, Created: now.UTC(), ContactPerson: nu.ContactPerson}, nil
}

// NormalizeEmail trims and lowercases an address: sign-in is case-insensitive.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// passwordParams are argon2id's settings: 64 MiB, 1 pass (RFC 9106's second
// recommendation), 2 lanes to match a small server's cores.
var passwordParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// HashPassword hashes a password with argon2id.
func HashPassword(password string) (string, error) {
	h, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return "", fmt.Errorf("hasha lösenord: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when no user matches, so that a wrong email
// takes as long as a wrong password.
var dummyHash, _ = HashPassword("förankra-ingen-användare")

// PasswordMatches reports whether password matches hash; with an empty hash it
// still does the work of a comparison.
func PasswordMatches(password, hash string) bool {
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// HasVillage reports whether the user represents the village.
func (u *User) HasVillage(slug string) bool {
	for _, v := range u.Villages {
		if v == slug {
			return true
		}
	}
	return false
}
