package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// seedDemo seeds the demo data once and tells the newcomer how to sign in.
// The demo accounts' password is FORANKRA_ADMIN_PASSWORD when set, otherwise
// a random one printed here: it is shown once, when the accounts are made.
func seedDemo(ctx context.Context, db *storage.DB, cfg config, log *slog.Logger, stdout io.Writer) error {
	password := cfg.adminPass
	if password == "" {
		password = demoPassword()
	}
	now := time.Now()
	res, err := storage.SeedDemo(ctx, db, survey.NewDemo(now, uint64(now.UnixNano())), password, now)
	if err != nil {
		return fmt.Errorf("demodata: %w", err)
	}
	base := "http://" + displayAddr(cfg.addr)
	switch {
	case res.Seeded:
		log.Info("demo data seeded", "survey", res.Survey, "phone_page", "/s/"+res.Survey+"/baggetorp")
		var b strings.Builder
		fmt.Fprintf(&b, "\nFörankra demo: sign in at %s/logga-in with one of these accounts\n", base)
		for _, u := range survey.DemoUsers {
			fmt.Fprintf(&b, "  %-32s %s\n", u.Email, u.Role)
		}
		if cfg.adminPass == "" {
			fmt.Fprintf(&b, "password (shown only now): %s\n", password)
		} else {
			b.WriteString("password: the value of FORANKRA_ADMIN_PASSWORD\n")
		}
		fmt.Fprintf(&b, "a resident's phone page: %s/s/%s/baggetorp\n\n", base, res.Survey)
		_, _ = io.WriteString(stdout, b.String())
	case res.Interrupted:
		log.Warn("an earlier demo seeding was interrupted; remove the data directory to seed again")
	default:
		log.Info("demo data already seeded: nothing added", "survey", res.Survey,
			"sign_in", base+"/logga-in", "accounts", survey.DemoUsers[0].Email)
	}
	return nil
}

// demoPassword is 20 random letters and digits in groups of five.
func demoPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return out.String()
}

// displayAddr is the listen address as a person would type it in a browser.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
