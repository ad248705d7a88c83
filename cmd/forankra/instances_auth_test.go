package main

import (
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Sessions and sign-in throttling live in the database, so they hold across
// instances. The throttling check locks the administrator out, so it runs last.
func init() {
	instanceChecks = append(instanceChecks,
		struct {
			name string
			run  func(t *testing.T, pair [2]*proc, dbURI string)
		}{"a page session from one instance is signed in on the other", sessionAcrossInstances},
		struct {
			name string
			run  func(t *testing.T, pair [2]*proc, dbURI string)
		}{"failed sign-ins are counted across instances", throttleAcrossInstances},
	)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

func sessionAcrossInstances(t *testing.T, pair [2]*proc, _ string) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(pair[0].base + "/logga-in")
	if err != nil {
		t.Fatal(err)
	}
	var page strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := resp.Body.Read(buf)
		page.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	form := url.Values{"email": {adminEmail}, "password": {adminPassword}}
	for _, m := range hiddenInput.FindAllStringSubmatch(page.String(), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	resp, err = client.PostForm(pair[0].base+"/logga-in", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on instance 0: got %d; want 303", resp.StatusCode)
	}
	// The jar holds cookies per host; both instances are on 127.0.0.1.
	resp, err = client.Get(pair[1].base + "/enkater")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the session on instance 1: got %d; want 200", resp.StatusCode)
	}
}

func throttleAcrossInstances(t *testing.T, pair [2]*proc, _ string) {
	wrong := map[string]string{"email": adminEmail, "password": "fel lösenord igen"}
	// Ten tries for one account from one address, alternating between the
	// instances: the pair's limit is counted in the shared database.
	for i := 0; i < 10; i++ {
		code, b, err := call("POST", pair[i%2].base+"/api/v1/tokens", "", wrong)
		if err != nil || code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on instance %d: got %d %s (%v); want 401", i+1, i%2, code, b, err)
		}
	}
	for n, p := range pair {
		if code, b, _ := call("POST", p.base+"/api/v1/tokens", "", wrong); code != http.StatusTooManyRequests {
			t.Errorf("an eleventh try on instance %d: got %d %s; want 429", n, code, b)
		}
	}
}
