package main

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
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
		}{"100 parallel guesses over both instances get at most 10 checked, and the owner signs in from elsewhere", parallelGuessesAcrossInstances},
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

// from calls u from the loopback address local (127.0.0.x), as a client
// behind another address would.
func from(local, method, u string, body any) (int, http.Header, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
	req, err := http.NewRequest(method, u, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header, nil
}

// The guesses come from 127.0.0.3 and the owner from 127.0.0.4, so that the
// pair of the administrator and 127.0.0.1 is left for the check after this.
func parallelGuessesAcrossInstances(t *testing.T, pair [2]*proc, _ string) {
	const guesses = 100
	wrong := map[string]string{"email": adminEmail, "password": "fel lösenord igen"}
	codes := make([]int, guesses)
	retryAfter := make([]string, guesses)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, h, err := from("127.0.0.3", "POST", pair[i%2].base+"/api/v1/tokens", wrong)
			if err != nil {
				t.Errorf("guess %d: %v", i, err)
			}
			codes[i] = code
			if h != nil {
				retryAfter[i] = h.Get("Retry-After")
			}
		}()
	}
	owner := make(chan int, 1)
	go func() {
		<-start
		time.Sleep(50 * time.Millisecond) // while the guesses are being checked
		code, _, err := from("127.0.0.4", "POST", pair[1].base+"/api/v1/tokens",
			map[string]string{"email": adminEmail, "password": adminPassword})
		if err != nil {
			t.Errorf("the owner: %v", err)
		}
		owner <- code
	}()
	close(start)
	wg.Wait()
	checked := 0
	for i, code := range codes {
		switch code {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			if retryAfter[i] == "" {
				t.Errorf("guess %d: got 429 without Retry-After; want one", i)
			}
		default:
			t.Errorf("guess %d: got %d; want 401 or 429", i, code)
		}
	}
	t.Logf("%d of %d parallel guesses checked (401), the others 429", checked, guesses)
	if checked > 10 {
		t.Errorf("got %d of %d parallel guesses checked over two instances; want at most 10", checked, guesses)
	}
	if code := <-owner; code != http.StatusCreated {
		t.Errorf("the owner from another address: got %d; want 201", code)
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
