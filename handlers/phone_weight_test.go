package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// tenQuestions is a realistic 10-question village survey with every
// question type, helps and Swedish options of ordinary length.
func tenQuestions(villages ...string) map[string]any {
	return map[string]any{
		"title": "Hur vill vi leva i byn om tio år?", "villages": villages, "access": "link",
		"description": "Utvecklingsgruppen vill veta vad du tycker inför den nya lokala utvecklingsplanen. Det tar ungefär fem minuter.",
		"questions": []map[string]any{
			{"key": "bor", "type": "single", "prompt": "Hur länge har du bott i byn?", "required": true,
				"options": []string{"Mindre än 2 år", "2–10 år", "Mer än 10 år", "Jag bor inte här men har fritidshus"}},
			{"key": "viktigast", "type": "multi", "prompt": "Vad är viktigast för byns framtid?", "max": 3,
				"help":    "Tänk på det som gör att du vill bo kvar.",
				"options": []string{"Skolan", "Bredband", "Kollektivtrafik", "Affären", "Föreningslivet", "Äldreboende"}},
			{"key": "buss", "type": "likert", "prompt": "Bussarna går så att jag kan ta mig till jobb eller skola.", "required": true},
			{"key": "trygg", "type": "likert", "prompt": "Jag känner mig trygg när jag går ute på kvällen."},
			{"key": "ordning", "type": "rank", "prompt": "Ordna satsningarna efter hur viktiga de är.",
				"options": []string{"Gång- och cykelväg", "Belysning", "Badplats", "Samlingslokal"}},
			{"key": "km", "type": "number", "prompt": "Hur många kilometer har du till närmaste livsmedelsbutik?", "min": 0, "max": 200},
			{"key": "bredband", "type": "single", "prompt": "Har du fiber hemma?", "options": []string{"Ja", "Nej", "Vet inte"}},
			{"key": "mote", "type": "multi", "prompt": "Hur vill du få veta vad som händer i byn?",
				"options": []string{"Anslagstavlan", "Facebook", "Brev", "Stormöte", "Sms"}},
			{"key": "framtid", "type": "likert", "prompt": "Jag tror att byn växer de kommande tio åren."},
			{"key": "ovrigt", "type": "text", "prompt": "Vill du säga något mer till utvecklingsgruppen?", "max": 2000,
				"help": "Skriv inte ditt namn eller andras namn."},
		},
	}
}

// openTenQuestions makes the villages Åby and Bäckby and opens the
// 10-question survey for them.
func (ta *testApp) openTenQuestions(token string) string {
	ta.t.Helper()
	return ta.openSurveyOf(token, tenQuestions("aby", "backby"))
}

// fetched is one response as it went over the wire.
type fetched struct {
	status int
	header http.Header
	wire   []byte // as sent, compressed when the server compressed it
	raw    []byte // decompressed
}

// get sends a GET with an Accept-Encoding and keeps the body as sent.
func (ta *testApp) get(t *testing.T, path, encoding string) fetched {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", encoding)
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	wire, _ := io.ReadAll(resp.Body)
	f := fetched{status: resp.StatusCode, header: resp.Header, wire: wire, raw: wire}
	var r io.Reader
	switch resp.Header.Get("Content-Encoding") {
	case "gzip":
		if r, err = gzip.NewReader(bytes.NewReader(wire)); err != nil {
			t.Fatalf("GET %s: gzip: %v", path, err)
		}
	case "br":
		r = brotli.NewReader(bytes.NewReader(wire))
	}
	if r != nil {
		if f.raw, err = io.ReadAll(r); err != nil {
			t.Fatalf("GET %s: decompress: %v", path, err)
		}
	}
	return f
}

// maxPhoneWeight is the most a 10-question phone page with its assets may
// weigh over the wire.
const maxPhoneWeight = 20 << 10

var assetLink = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

func TestPhonePageWithAssetsWeighsUnder20KBCompressed(t *testing.T) {
	ta := newTestApp(t)
	id := ta.openTenQuestions(ta.user("admin"))
	for _, enc := range []string{"gzip", "br"} {
		t.Run("with "+enc+" the page and its assets stay under 20 KB", func(t *testing.T) {
			page := ta.get(t, "/s/"+id+"/aby", enc)
			if page.status != http.StatusOK {
				t.Fatalf("page: got %d; want 200", page.status)
			}
			if strings.Count(string(page.raw), "<fieldset") != 10 {
				t.Fatalf("page: got %d fieldsets; want 10", strings.Count(string(page.raw), "<fieldset"))
			}
			for _, external := range []string{`src="http`, `href="http`, `src="//`, `href="//`} {
				if strings.Contains(string(page.raw), external) {
					t.Errorf("page: got a link to another origin (%s); want everything served locally", external)
				}
			}
			links := assetLink.FindAllStringSubmatch(string(page.raw), -1)
			if len(links) == 0 || len(links) > 2 {
				t.Fatalf("page: got %d asset requests; want 1 or 2 (CSS and one script)", len(links))
			}
			files := []struct {
				name string
				f    fetched
			}{{"HTML", page}}
			for _, l := range links {
				f := ta.get(t, strings.ReplaceAll(l[1], "&amp;", "&"), enc)
				if f.status != http.StatusOK {
					t.Fatalf("%s: got %d; want 200", l[1], f.status)
				}
				if cc := f.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
					t.Errorf("%s: got Cache-Control %q; want a year, immutable (the link carries the hash)", l[1], cc)
				}
				files = append(files, struct {
					name string
					f    fetched
				}{l[1], f})
			}
			wire, raw := 0, 0
			for _, f := range files {
				if got := f.f.header.Get("Content-Encoding"); got != enc {
					t.Errorf("%s: got Content-Encoding %q; want %q", f.name, got, enc)
				}
				if got := f.f.header.Get("Vary"); !strings.Contains(got, "Accept-Encoding") {
					t.Errorf("%s: got Vary %q; want Accept-Encoding", f.name, got)
				}
				t.Logf("%-32s %6d B raw  %6d B %s", f.name, len(f.f.raw), len(f.f.wire), enc)
				wire += len(f.f.wire)
				raw += len(f.f.raw)
			}
			t.Logf("%-32s %6d B raw  %6d B %s (limit %d B)", "total", raw, wire, enc, maxPhoneWeight)
			if wire > maxPhoneWeight {
				t.Errorf("got %d bytes compressed; want at most %d", wire, maxPhoneWeight)
			}
		})
	}
}

func TestPhoneScriptIsSmall(t *testing.T) {
	ta := newTestApp(t)
	f := ta.get(t, site.assetURL("phone.js"), "gzip")
	if f.status != http.StatusOK || !strings.HasPrefix(f.header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("got %d %q; want 200 text/javascript", f.status, f.header.Get("Content-Type"))
	}
	if len(f.wire) > 3<<10 {
		t.Errorf("got phone.js of %d bytes gzipped; want under 3 KB", len(f.wire))
	}
}
