package survey

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// minPasswordScore is the weakest zxcvbn score (0–4) a new password may
// have: 3 means about 10⁸ guesses, beyond an online attacker held back by
// the sign-in limits and far enough for an offline one against argon2id.
const minPasswordScore = 3

// swedishGuesses are words an attacker tries first against a Swedish
// service; zxcvbn's own lists (the most common leaked passwords, English
// words and names, keyboard runs, repeats, dates) know English only.
var swedishGuesses = []string{
	"lösenord", "losenord", "lösen", "hemligt", "hemlig", "förankra", "forankra",
	"kommun", "kommunen", "sverige", "sommar", "vinter", "hösten", "våren",
	"välkommen", "valkommen", "qwerty", "byalag", "bygden", "stormöte",
}

// PasswordProblem returns why password may not be a new password ("" when
// it may): too short, or guessable by zxcvbn's estimate (Dropbox's
// estimator, its lists of common passwords and words embedded in the
// module) given the list above and what the account itself says (its email
// and name), so "password12", "aaaaaaaaaa" and ten spaces are refused.
func PasswordProblem(password string, account ...string) string {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return fmt.Sprintf("Lösenordet måste vara minst %d tecken", MinPasswordLength)
	}
	if strings.TrimSpace(password) == "" {
		return weakPassword
	}
	inputs := append([]string{}, swedishGuesses...)
	for _, a := range account {
		local, _, _ := strings.Cut(strings.ToLower(a), "@")
		words := strings.Fields(strings.NewReplacer(".", " ", "-", " ", "_", " ", "+", " ").Replace(local))
		inputs = append(inputs, local, strings.Join(words, ""))
		inputs = append(inputs, words...)
	}
	if zxcvbn.PasswordStrength(password, inputs).Score < minPasswordScore {
		return weakPassword
	}
	return ""
}

const weakPassword = "Lösenordet är för lätt att gissa: det är vanligt, bygger på upprepningar eller en rad tangenter, eller liknar ditt namn. Välj till exempel några ovanliga ord i följd"
