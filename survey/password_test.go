package survey

import "testing"

func TestNewPasswordsMustBeHardToGuess(t *testing.T) {
	tests := []struct {
		name, password string
		account        []string
		wantOK         bool
	}{
		{"a run of one letter is refused", "aaaaaaaaaa", nil, false},
		{"ten spaces are refused", "          ", nil, false},
		{"a common password with digits is refused", "password12", nil, false},
		{"a keyboard row is refused", "qwertyuiop", nil, false},
		{"the Swedish word for password is refused", "Lösenord123", nil, false},
		{"the account's own name is refused", "annasvensson1", []string{"anna.svensson@kommun.se", "Anna Svensson"}, false},
		{"a short password is refused", "kort-ord", nil, false},
		{"a few uncommon words pass", "ett-långt-lösenord", nil, true},
		{"a Swedish phrase passes", "mitt nya lösenord", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PasswordProblem(tt.password, tt.account...)
			if (got == "") != tt.wantOK {
				t.Errorf("PasswordProblem(%q) = %q; want ok %v", tt.password, got, tt.wantOK)
			}
		})
	}
}
